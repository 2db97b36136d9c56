import { count } from '@/lib/format';

/** One figure with its label and unit. Numbers get thousands separators; strings are shown as given. */
export function Tile({ label, value, unit }: { label: string; value: number | string; unit: string }) {
  return (
    <div className="tile">
      <div className="label">{label}</div>
      <div className="value">{typeof value === 'number' ? count(value) : value}</div>
      <div className="unit">{unit}</div>
    </div>
  );
}
