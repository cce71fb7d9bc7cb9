export { AppError, isAppError, ValidationFailedError } from './app-error';
export { type ProblemDetails, type MappedProblem, toProblem, problemType } from './problem-details';
export { ProblemDetailsFilter } from './problem-details.filter';
export { DataStoreUnavailableError, dataStoreUnavailable } from './data-store-unavailable';
