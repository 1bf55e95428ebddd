export { byCodePoint, collectPageRequest, DEFAULT_LIMIT, encodeContinue, MAX_LIMIT, type Page, pageFromRead, type PageRequest, pageRequest, paginate, queryDigest } from './paging.ts';
