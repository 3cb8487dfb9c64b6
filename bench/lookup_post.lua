-- lookup_post.lua - wrk script: POST /api/v1/lookup with the batch body in
-- the file named by OE_BODY (bench/match.sh writes it).
local f = assert(io.open(os.getenv("OE_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
