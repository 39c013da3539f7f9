/* takehome.js: the take-home summary's "print" button (page_takehome.c).
   Without JavaScript the button stays hidden and the page says Ctrl+P. */
'use strict';
for (const b of document.querySelectorAll('button[data-print]')) {
	b.hidden = false;
	b.addEventListener('click', () => window.print());
}
