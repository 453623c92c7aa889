import { StreamableFile } from '@nestjs/common';
import type { Readable } from 'node:stream';

export const asStreamableCsv = (stream: Readable, filename: string) =>
  new StreamableFile(stream, {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
