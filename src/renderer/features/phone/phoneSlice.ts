import type { DialRequest } from '../../../shared/dialLink';
import type { SliceCreator } from '../../store/types';

export type PhoneSlice = {
  dialNumber: string;
  dialSource: DialRequest['scheme'] | null;
  setDialNumber: (n: string) => void;
  requestDial: (req: DialRequest) => void;
};

export const createPhoneSlice: SliceCreator<PhoneSlice> = (set) => ({
  dialNumber: '',
  dialSource: null,
  setDialNumber: (dialNumber) => set({ dialNumber, dialSource: null }),
  requestDial: (req) => set({ dialNumber: req.target, dialSource: req.scheme, view: 'phone' }),
});
