import { Code, Mail, MessageCircle, MessageSquare, MessagesSquare, Phone, Smartphone } from 'lucide-react';
import type { Channel } from '../../../shared/sync/entities';

const ICONS = {
  chat: MessageCircle,
  email: Mail,
  sms: Smartphone,
  whatsapp: MessageSquare,
  wechat: MessagesSquare,
  voice: Phone,
  api: Code,
} as const satisfies Record<Channel, unknown>;

/** A channel's icon, named for screen readers (one element and its paths: rows are many). */
export function ChannelIcon(props: { channel: Channel; label: string }) {
  const Icon = ICONS[props.channel];
  return <Icon className="channel-icon" size={14} role="img" aria-label={props.label} />;
}
