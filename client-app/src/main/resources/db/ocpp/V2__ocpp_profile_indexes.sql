-- A DR event that calls thousands of stations looks up each one's profiles (same source, stack levels
-- held), and the periodic clear looks for uncleared profiles whose window has ended: neither may scan
-- every profile ever sent.
CREATE INDEX ocpp_profile_station ON ocpp_profile (station_id, source);
CREATE INDEX ocpp_profile_uncleared ON ocpp_profile (valid_to) WHERE cleared_at IS NULL;
