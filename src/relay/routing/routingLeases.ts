import { createLeaseKeeper, type LeaseKeeper, type LeaseKeeperOptions } from './lease';
import type { RoutingService } from './service';

/**
 * A lease keeper over routing's queues (one per inbox), made before the service that acts under
 * it: `serve` points its rounds at the service's queues and its news at the service. Until then
 * a round holds nothing (the service takes a round itself once it has loaded its queues).
 */
export function createRoutingLeases(o: Omit<LeaseKeeperOptions, 'queues' | 'onChange'>): {
  keeper: LeaseKeeper;
  serve(service: Pick<RoutingService, 'queueIds' | 'leasesChanged'>): void;
} {
  let service: Pick<RoutingService, 'queueIds' | 'leasesChanged'> | null = null;
  const keeper = createLeaseKeeper({
    ...o,
    queues: () => service?.queueIds() ?? [],
    onChange: (change) => service?.leasesChanged(change),
  });
  return {
    keeper,
    serve(s) {
      service = s;
    },
  };
}
