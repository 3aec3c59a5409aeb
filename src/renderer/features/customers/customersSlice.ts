import type { SliceCreator } from '../../store/types';

export type CustomersSlice = {
  /** The profile open in the Customers place: kept while the agent is in other places. */
  selectedCustomerId: string | null;
  /** Opens a customer's profile in the Customers place (null: none). */
  openCustomer: (id: string | null) => void;
};

export const createCustomersSlice: SliceCreator<CustomersSlice> = (set) => ({
  selectedCustomerId: null,
  openCustomer: (selectedCustomerId) =>
    set(selectedCustomerId ? { selectedCustomerId, view: 'customers' } : { selectedCustomerId }),
});
