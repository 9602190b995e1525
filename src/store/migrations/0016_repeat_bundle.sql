-- Fengqiao Desk schema, version 16: the same bundle twice is answered, not refused.
--
-- An officer who plugs in the same stick again, or whose reply was lost on the way back,
-- brings a bundle this node has already imported. It used to be refused as a replay; it is
-- now answered as received (nothing applied twice, a fresh reply from HQ). To tell that
-- bundle from a different one under the same number (a sender that restored an older
-- backup), each peer keeps the SM3 of the last accepted bundle's encrypted body, which the
-- signed header carries. NULL for a bundle accepted before this version.
ALTER TABLE peer ADD COLUMN recv_sm3 TEXT;
