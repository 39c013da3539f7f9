-- 024_visit_order.sql: the newest visits of a site first (the search page
-- with no period, bench/README.md "pages.mjs"): walked backwards in this index, a
-- page of 50 visits reads 50 rows instead of sorting every visit of the site.
CREATE INDEX visits_site_id ON visits (site_id, id);
