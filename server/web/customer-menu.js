// The customer page's menu: dishes with their photos, descriptions and set meal contents, sold-out
// dishes greyed and not addable, a search box, and the category in view lit up in the category bar
// as the menu scrolls. The page (table.js) owns the cart; this module only draws and filters.
import { $, el, money } from './common.js';

/** What a set meal holds, in words: 「含：宫保鸡丁×1、米饭×2」. */
export const setContents = (dish) =>
  dish.setItems?.length ? `含：${dish.setItems.map((i) => `${i.cuisineName}×${i.quantity}`).join('、')}` : '';

/** Draw `menu`; `open(dish)` shows a dish's sheet. Returns the dishes by id. */
export function renderMenu(menu, open) {
  const dishes = new Map();
  const nav = $('#categories');
  const list = $('#menu');
  nav.replaceChildren();
  list.replaceChildren();
  for (const category of menu.categories) {
    const anchor = `cat-${category.categoryId}`;
    nav.append(el('a', { href: `#${anchor}`, dataset: { category: anchor } }, category.name));
    const section = el('section', { class: 'category', id: anchor, dataset: { category: anchor } },
      el('h2', {}, category.name));
    for (const dish of category.dishes) {
      dishes.set(dish.cuisineId, dish);
      section.append(dishRow(dish, open));
    }
    list.append(section);
  }
  filter($('#search').value);
  highlight();
  return dishes;
}

function dishRow(dish, open) {
  const set = dish.cuisineType === 2;
  // The small picture for the list; the full photo only in the dish's sheet.
  const picture = dish.thumbnail || dish.cuisineImage;
  const thumb = picture
    ? el('div', { class: 'thumb' }, el('img', { src: picture, alt: '', loading: 'lazy' }))
    : el('div', { class: set ? 'thumb set' : 'thumb' }, dish.cuisineName.slice(0, 1));
  const contents = setContents(dish);
  return el('div', {
    class: dish.soldOut ? 'dish sold-out' : 'dish',
    dataset: { dish: dish.cuisineId, search: [dish.cuisineName, dish.description, contents].join(' ').toLowerCase() },
  },
  // Tapping the picture or the words shows the dish (its photo, set contents); the one button adds.
  el('div', { class: 'look', onclick: () => open(dish) }, thumb),
  el('div', { class: 'info', onclick: () => open(dish) },
    el('div', { class: 'name' }, dish.cuisineName, set ? ' · 套餐' : ''),
    dish.description ? el('div', { class: 'desc' }, dish.description) : null,
    contents ? el('div', { class: 'set-items' }, contents) : null,
    el('div', { class: 'price' }, money(dish.unitPrice), dish.soldOut ? el('span', { class: 'tag' }, '已售罄') : null)),
  dish.soldOut
    ? el('button', { class: 'add', disabled: true, 'aria-label': `${dish.cuisineName} 已售罄` }, '售罄')
    : el('button', { class: 'add', 'aria-label': `加入 ${dish.cuisineName}`, onclick: () => open(dish) }, '+'));
}

/** Show only the dishes whose name, description or set contents hold `query`. */
export function filter(query) {
  const words = query.trim().toLowerCase();
  let shown = 0;
  for (const section of document.querySelectorAll('#menu .category')) {
    let inSection = 0;
    for (const row of section.querySelectorAll('.dish')) {
      const match = !words || row.dataset.search.includes(words);
      row.hidden = !match;
      if (match) inSection += 1;
    }
    section.hidden = inSection === 0;
    $(`#categories a[data-category="${section.id}"]`).hidden = inSection === 0;
    shown += inSection;
  }
  const none = $('#no-match');
  none.textContent = `没有找到「${query.trim()}」，换个词试试`;
  none.hidden = shown > 0 || !words;
  highlight();
}

/**
 * Light up the category whose dishes are in view: the last one whose top has passed under the
 * sticky bars. The bar scrolls sideways to keep it visible.
 */
export function highlight() {
  const line = $('.menu-top').getBoundingClientRect().bottom + 8;
  const sections = [...document.querySelectorAll('#menu .category:not([hidden])')];
  // Scrolled to the very bottom, the last category is in view even if too short to reach the line.
  const atEnd = window.scrollY > 0 && window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
  const current = atEnd ? sections.at(-1) : sections.filter((s) => s.getBoundingClientRect().top <= line).at(-1) ?? sections[0];
  for (const link of document.querySelectorAll('#categories a')) {
    const active = link.dataset.category === current?.id;
    link.classList.toggle('active', active);
    if (active) {
      link.setAttribute('aria-current', 'true');
      const nav = $('#categories');
      const { offsetLeft, offsetWidth } = link;
      if (offsetLeft < nav.scrollLeft || offsetLeft + offsetWidth > nav.scrollLeft + nav.clientWidth) {
        nav.scrollLeft = offsetLeft - 16;
      }
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

/** The sticky bars' heights, for where the search box sticks and where a category link lands. */
function measureBars() {
  const root = document.documentElement.style;
  root.setProperty('--bar-height', `${$('.bar').offsetHeight}px`);
  root.setProperty('--menu-top-height', `${$('.menu-top').offsetHeight}px`);
}

let pending = false;
/** Follow the page's scrolling (once per frame at most) and the search box, once the menu shows. */
export function watchMenu() {
  measureBars();
  window.addEventListener('resize', measureBars);
  window.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      highlight();
    });
  }, { passive: true });
  $('#search').addEventListener('input', (event) => filter(event.target.value));
  highlight();
}
