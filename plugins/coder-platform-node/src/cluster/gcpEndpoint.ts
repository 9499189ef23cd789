import { grpc } from 'google-gax';
import type { GcpEndpoint } from './types';

/**
 * Options of a gax client for one `coderPlatform.gcp.endpoints.<api>` entry,
 * using only the clients' documented options: `apiEndpoint`, `port`, and for
 * plaintext `sslCreds` (gRPC) or `protocol: 'http'` (REST).
 */
export function gaxEndpointOptions(
  endpoint: GcpEndpoint | undefined,
  transport: 'grpc' | 'rest',
): Record<string, unknown> {
  if (!endpoint) return {};
  const options: Record<string, unknown> = {
    apiEndpoint: endpoint.apiEndpoint,
  };
  if (endpoint.port) options.port = endpoint.port;
  if (endpoint.plaintext && transport === 'grpc')
    options.sslCreds = grpc.credentials.createInsecure();
  if (endpoint.plaintext && transport === 'rest') options.protocol = 'http';
  return options;
}
