/** Public URLs that carry a report access token (the token is the capability). */
export function reportLinks(publicBaseUrl: string, token: string) {
  return {
    report_url: `${publicBaseUrl}/r/${token}`,
    status_url: `${publicBaseUrl}/api/v1/reports/${token}/status`,
  };
}
