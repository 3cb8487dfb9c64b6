-- reports.lua - wrk script: each request files a citizen's report as JSON.
-- The description varies per request so that no two bodies are alike.
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"category":"online_scam","lang":"id","description":"Penjual online %d minta transfer ke ' ..
    'BCA 1234567890 lalu memblokir saya. Nomor 0812-3456-%04d.","identifiers":' ..
    '[{"kind":"phone","value":"0812 3456 %04d"}],"loss":{"amount":"750000","currency":"IDR"}}',
    n, n % 10000, n % 10000)
  return wrk.format("POST", "/public/v1/reports", {["Content-Type"] = "application/json"}, body)
end
