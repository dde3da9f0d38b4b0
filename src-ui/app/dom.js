// Building the page from data. Everything that came from a customer or the server becomes a
// text node: nothing here parses HTML, so a remark like "<img onerror=…>" is shown, not run.

/**
 * An element with attributes, handlers (on*) and children (strings become text).
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...(Node | string | null | undefined | false)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    } else if (key === 'class') {
      node.className = String(value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

/**
 * Replace the children of the element with id `id`.
 * @param {string} id
 * @param {...(Node | null | false)} children
 */
export function fill(id, ...children) {
  const target = document.getElementById(id);
  if (!target) return;
  target.replaceChildren(...children.filter((c) => c instanceof Node));
}

/**
 * A dialog's line: its words, then its input.
 * @param {string} label @param {HTMLElement} input
 */
export function row(label, input) {
  return el('label', { class: 'row' }, el('span', {}, label), input);
}

/**
 * A checkbox before its words, large, the whole line a target.
 * @param {string} label @param {HTMLElement} box
 */
export function check(label, box) {
  return el('label', { class: 'row check' }, box, el('span', {}, label));
}

/** @param {Record<string, unknown>} attrs */
export function input(attrs) {
  return /** @type {HTMLInputElement} */ (el('input', attrs));
}

/**
 * A button that asks once more before acting: the first click says what will happen.
 * @param {string} label @param {string} confirm @param {() => Promise<void>} act
 */
export function twoStep(label, confirm, act) {
  const button = el('button', { class: 'small' }, label);
  button.addEventListener('click', () => {
    if (button.dataset.armed) return void act();
    button.dataset.armed = '1';
    button.className = 'small danger';
    button.textContent = confirm;
  });
  return button;
}
