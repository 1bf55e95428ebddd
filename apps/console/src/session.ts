import { createContext, useContext } from 'react';
import type { Me } from './api.ts';

export const SessionContext = createContext<Me | undefined>(undefined);

/** Who is logged in (inside the logged-in part of the console). */
export function useMe(): Me {
  const me = useContext(SessionContext);
  if (me === undefined) throw new Error('useMe outside a session');
  return me;
}

/** Operators and admins act; viewers only look (the hub refuses them anyway). */
export function canOperate(me: Me): boolean {
  return me.identity.role === 'operator' || me.identity.role === 'admin';
}

export function isAdmin(me: Me): boolean {
  return me.identity.role === 'admin';
}
