/** Injection token of the UploadStore (the TUS data store, shared by the api and the worker). */
export const UPLOAD_STORE = 'INGEST_UPLOAD_STORE';
