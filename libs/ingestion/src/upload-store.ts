import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import { Upload, type DataStore } from '@tus/utils';
import type { AppConfig } from '#libs/config';

/** The TUS data store both processes use: the api writes uploads, the worker reads them. */
export interface UploadStore {
  readonly store: DataStore;
  read(id: string): Promise<Readable>;
  /** Bytes received so far and the declared length (null when the upload does not exist). */
  progress(id: string): Promise<{ offset: number; size: number | null } | null>;
  remove(id: string): Promise<void>;
  /** Stores a whole file that did not come through TUS (a feed's download); returns its size. */
  saveStream(id: string, body: Readable): Promise<number>;
}

export async function createUploadStore(config: AppConfig): Promise<UploadStore> {
  const expirationPeriodInMilliseconds = config.ingest.uploadExpiryMs;
  let store: DataStore & { read(id: string): Readable | Promise<Readable> };
  if (config.ingest.store === 's3') {
    // loaded only when selected: the AWS SDK is large
    const { S3Store } = await import('@tus/s3-store');
    store = new S3Store({
      partSize: 16 * 1024 * 1024,
      expirationPeriodInMilliseconds,
      s3ClientConfig: {
        bucket: config.ingest.s3.bucket!,
        region: config.ingest.s3.region,
        ...(config.ingest.s3.endpoint ? { endpoint: config.ingest.s3.endpoint, forcePathStyle: true } : {}),
      },
    });
  } else {
    writableDirectory(config.ingest.uploadDir);
    store = new FileStore({ directory: config.ingest.uploadDir, expirationPeriodInMilliseconds });
  }
  return {
    store,
    read: async (id) => store.read(id),
    progress: async (id) => {
      try {
        const u = await store.getUpload(id);
        return { offset: u.offset, size: u.size ?? null };
      } catch {
        return null;
      }
    },
    saveStream: async (id, body) => {
      await store.remove(id).catch(() => undefined);
      await store.create(new Upload({ id, offset: 0, size: undefined }));
      const bytes = await store.write(body, id, 0);
      await store.declareUploadLength(id, bytes);
      return bytes;
    },
    remove: async (id) => {
      try {
        await store.remove(id);
      } catch {
        // already gone
      }
    },
  };
}

/** Creates the upload directory; a clear start-up error when this process may not write there. */
function writableDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(
      `The upload directory ${dir} is not writable by this process (${code}): point DATA_DIR (or INGEST_UPLOAD_DIR) at a writable volume shared by the api and the worker, or use INGEST_STORE=s3`,
    );
  }
}
