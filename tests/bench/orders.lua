-- wrk script of the ordering benchmark: POST /api/orders from random bench
-- enterprises (ready sessions, see orders_setup.py) for random products
-- in [PROD_FIRST, PROD_FIRST + PROD_COUNT), each with a fresh
-- Idempotency-Key. Environment: ENT_FIRST ENT_COUNT PROD_FIRST PROD_COUNT.
local ent_first = tonumber(os.getenv("ENT_FIRST"))
local ent_count = tonumber(os.getenv("ENT_COUNT"))
local prod_first = tonumber(os.getenv("PROD_FIRST"))
local prod_count = tonumber(os.getenv("PROD_COUNT"))
local threads = 0
local counter = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
end

request = function()
  counter = counter + 1
  local ent = ent_first + math.random(0, ent_count - 1)
  local prod = prod_first + math.random(0, prod_count - 1)
  local headers = {
    ["Authorization"] = "Bearer " .. string.format("bench%038d", ent),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = string.format("w%d-%d-%d-%d", tid or 0, counter, os.time(), math.random(1, 1000000000)),
  }
  return wrk.format("POST", "/api/orders", headers, '{"product_id":' .. prod .. '}')
end
