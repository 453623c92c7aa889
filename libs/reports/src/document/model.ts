/**
 * The report as a document model: sections of typed blocks. Every output format (Markdown, HTML,
 * PDF) renders from this one structure; text is plain text (never markup), so renderers escape it.
 */
export type Block =
  | { type: 'heading'; text: string }
  | { type: 'paragraph'; text: string }
  | { type: 'list'; items: string[]; ordered?: boolean }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'callout'; tone: 'info' | 'warning' | 'success'; title?: string; text: string };

export interface Section {
  /** Stable key, e.g. `daily_targets`. */
  key: string;
  /** 1–21, the section number of seed 001. */
  number: number;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  generatedFor: string;
  sections: Section[];
}
