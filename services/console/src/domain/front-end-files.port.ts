/** One file of the built front end. */
export interface StaticFile {
  type: string;
  body: Buffer;
}

/** The port through which the pages route reads the built front end. */
export interface FrontEndFiles {
  /** The file at a URL path (`/assets/index-abc.js`), or undefined. */
  get(path: string): StaticFile | undefined;
  /** The app shell (`/index.html`), or undefined when the front end was not built. */
  readonly shell: StaticFile | undefined;
}

/** DI token of the {@link FrontEndFiles} adapter. */
export const FRONT_END_FILES = Symbol('FRONT_END_FILES');
