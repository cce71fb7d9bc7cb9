export { BoundedLru } from './bounded-lru';
