/* address.js: the "print" button of the "who to tell" checklist
   (page_address_checklist.c). Without JavaScript the button stays hidden
   and the page says Ctrl+P. */
'use strict';
for (const b of document.querySelectorAll('button[data-print]')) {
	b.hidden = false;
	b.addEventListener('click', () => window.print());
}
