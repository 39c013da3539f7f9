-- 018_site_phone.sql: the telephone number a site gives to the public
-- (docs/takehome.md): printed on the take-home summary of a visit as a
-- tel: link. '' when the site has none. Stored compact, digits only with a
-- leading + for an international number ("0299000000", "+33299000000",
-- "3939"); src/domain/site.c checks and normalises it and writes it in
-- groups when it is shown ("02 99 00 00 00").
ALTER TABLE sites ADD COLUMN phone TEXT NOT NULL DEFAULT '';
