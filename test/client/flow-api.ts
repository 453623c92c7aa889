/** What the spec calls in flow.ts (declared here so the project's type check does not need the generated types). */
export interface FunnelResult {
  tiers: string[];
  questions: number;
  macrosCalories: number | undefined;
  reportStatus: string;
  reportSections: number;
  pdfBytes: Uint8Array;
}

export interface VendorResult {
  productName: string;
  patchedPrice: number | null;
  searchHits: number;
  matchIds: string[];
  healthConditions: string[];
  endpointSecretPrefix: string;
  testDelivery: string;
  ingestStatus: string;
  bestFor: string[];
  comparedSlugs: string[];
  fitProducts: number | null;
  benchmarkError: string | null;
}

export declare function consumerFunnel(
  baseUrl: string,
  person: { email: string; first_name: string; last_name: string },
  waitUntil: (check: () => Promise<boolean>) => Promise<void>,
): Promise<FunnelResult>;

export declare function vendorFlow(
  baseUrl: string,
  adminKey: string,
  webhookUrl: string,
): Promise<VendorResult>;
