-- 004_stats.sql: what the statistics engine needs to stay up to date
-- within a second (src/stats_load.c): the visits and visitors changed since
-- its last refresh, found by index instead of a scan of the whole record.
CREATE INDEX visits_updated ON visits (updated_at);
CREATE INDEX visitors_updated ON visitors (updated_at);
