import type { DatePickerProps } from '@mantine/dates';
import { DatePicker } from '../dates';

/**
 * The range calendar, behind a dynamic import (`lazy(() => import(...))`): a module of its
 * own, so the calendar (and dayjs with it, components/dates.tsx) loads only when someone opens
 * the grid's date filter.
 */
export default function DateRangePicker(props: DatePickerProps<'range'>) {
  return <DatePicker<'range'> {...props} />;
}
