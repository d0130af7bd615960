import { type ChangeEvent, useEffect, useRef } from 'react';
import classes from './tick-box.module.css';

/**
 * The grid's and the cards' tick boxes: the browser's own checkbox drawn as Mantine's
 * Checkbox. Fifty rows of Mantine's component cost render time and 4 KB gzip on the first
 * load of /leads (issue 11); the filter menus, which load later, keep Mantine's.
 */
export function TickBox({
  checked,
  indeterminate = false,
  disabled = false,
  label,
  'aria-label': ariaLabel,
  onChange,
}: {
  checked: boolean;
  indeterminate?: boolean;
  disabled?: boolean;
  /** Shown beside the box; without it, `aria-label` names the box. */
  label?: string;
  'aria-label'?: string;
  onChange: (event: ChangeEvent<HTMLInputElement>) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  // "Some ticked" is a property of the element only, never an attribute.
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  const box = (
    <span className={classes.inner}>
      <input
        ref={ref}
        type="checkbox"
        className={classes.input}
        checked={checked}
        disabled={disabled}
        aria-label={label ? undefined : ariaLabel}
        onChange={onChange}
      />
      <svg viewBox="0 0 10 7" fill="none" className={classes.icon} aria-hidden="true">
        {indeterminate ? (
          <path d="M1 3.5h8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        ) : (
          <path
            d="M1 3.5 3.7 6 9 1"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        )}
      </svg>
    </span>
  );
  return label ? (
    // biome-ignore lint/a11y/noLabelWithoutControl: the input is inside `box`
    <label className={classes.root}>
      {box}
      <span className={classes.label}>{label}</span>
    </label>
  ) : (
    box
  );
}
