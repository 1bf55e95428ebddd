export type { EventObject, FlotillaEvent, NewEvent } from './flotilla-event.ts';
