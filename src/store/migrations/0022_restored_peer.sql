-- A peer restored from an older backup lacks its own changes numbered above what the backup
-- held and up to where its numbering resumed, and asks for them in every bundle (the window
-- stays open: an old bundle of it may reach this node any time). `restored_next` is the top
-- of that window as its last bundle said (NULL: not restored); what this node sends back of
-- the peer's own changes stops there, above `peer_origin(peer, peer).acked`.
ALTER TABLE peer ADD COLUMN restored_next INTEGER;
