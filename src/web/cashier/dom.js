// Finding and making page elements. `$` checks at run time that an element exists and is of the
// kind the code expects, so a renamed id or a changed tag fails loudly instead of half-working.

/**
 * The element with this id, checked to be a `kind` (HTMLElement when not given).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @param {{ new (): T, prototype: T }} [kind]
 * @returns {T}
 */
export function $(id, kind) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page element #${id} is missing`);
  const expected = kind ?? HTMLElement;
  if (!(node instanceof expected)) throw new Error(`page element #${id} is not a ${expected.name}`);
  return /** @type {T} */ (node);
}

/** @param {string} id */
export const input = (id) => $(id, HTMLInputElement);
/** @param {string} id */
export const select = (id) => $(id, HTMLSelectElement);
/** @param {string} id */
export const dialog = (id) => $(id, HTMLDialogElement);
/** @param {string} id */
export const button = (id) => $(id, HTMLButtonElement);
/** @param {string} id */
export const form = (id) => $(id, HTMLFormElement);

/** @typedef {Node | string | number | null | undefined | false} Child */

/**
 * Creates an element: h('span', {className: 'x', 'aria-label': '…', dataset: {…}}, 'text', child).
 * Keys with a dash are attributes; the rest are DOM properties.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  /** The element's DOM properties by name (className, onclick, value, …). */
  const properties = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (node));
  for (const [key, value] of Object.entries(props)) {
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.includes('-')) node.setAttribute(key, String(value));
    else properties[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}
