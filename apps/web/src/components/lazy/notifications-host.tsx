import { Notifications, type NotificationsProps } from '@mantine/notifications';

/**
 * The toasts' container, behind a dynamic import (app.tsx): a module of its own, because
 * importing the `@mantine/notifications` barrel itself dynamically would keep every export of
 * it in the entry, which imports the barrel statically for `notifications.show`.
 */
export default function NotificationsHost(props: NotificationsProps) {
  return <Notifications {...props} />;
}
