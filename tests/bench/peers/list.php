<?php
// list.php - the PHP-FPM peer of make bench (issue #13 §5): the catalog's
// uncached category list, GET /api/products?category=C[&page=N]
// [&per_page=N], with the same JSON, through the same nginx.
//
// PHP 8.2 (Debian's php8.2-fpm, php8.2-mysql: mysqlnd), a persistent
// mysqli connection ("p:" host), prepared statements, json_encode. The SQL
// is the catalog's own: PEER_SQL names the file the bench wrote from
// `voucher-catalog --dump-sql` (JSON lines {program, name, sql}); the
// statements are taken by name, so a change of the catalog's SQL changes
// this peer. They run in the catalog's order (fcgi-apps/catalog/product.c
// product_list): the current round, whether units are due back and which,
// the page (carrying its total from the kept counts: page_total), and the
// count only for an empty page past the first.
//
// What limits it against the catalog and the bare C peer: PHP-FPM keeps no
// state between requests, so the round and the due-units check (which the
// catalog reuses per thread for 2 s and 1 s) are read on every request,
// and a prepared statement lives only as long as its request (mysqli
// closes it): every statement is prepared again each time. No ETag.

$env = fn($k, $d = null) => getenv($k) !== false ? getenv($k) : ($_SERVER[$k] ?? $d);

function fail(int $status, string $code): void
{
	http_response_code($status);
	header('Content-Type: application/json; charset=utf-8');
	header('Cache-Control: no-store');
	echo json_encode(['error' => ['code' => $code]]);
	exit;
}

// rules.c: the twelve categories of P1 and their names
const CATEGORIES = [
	'digital' => '数字化赋能', 'cloud' => '上云用云', 'talent' => '人才与培训',
	'innovation' => '科技创新', 'transfer' => '成果转化', 'design' => '工业设计',
	'it' => '信息化开发', 'ipo' => '上市培育', 'finance' => '财税审计',
	'market' => '市场开拓', 'legal' => '法律咨询', 'other' => '其他创新创业服务',
];

$want = ['DBS_ROUND_CURRENT', 'STMT_NEXT_DUE', 'STMT_DUE_UNITS',
    'STMT_LIST(1,0)', 'STMT_COUNT(1)'];
$sql = [];
foreach (file($env('PEER_SQL'), FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
	$s = json_decode($line, true);
	if (in_array($s['name'], $want, true))
		$sql[$s['name']] = $s['sql'];
}
if (count($sql) !== count($want))
	fail(500, 'sql_missing');

$cat = $_GET['category'] ?? null;
$int = function (string $k, int $lo, int $hi, int $def): int {
	if (!isset($_GET[$k]))
		return $def;
	$v = $_GET[$k];
	if (!is_string($v) || !preg_match('/^[0-9]{1,9}$/', $v) ||
	    (int)$v < $lo || (int)$v > $hi)
		fail(400, 'invalid_query');
	return (int)$v;
};
if (!is_string($cat) || !isset(CATEGORIES[$cat]))
	fail(400, 'invalid_query');
$page = $int('page', 1, 100000, 1);
$per_page = $int('per_page', 1, 100, 20);

mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
try {
	$db = new mysqli('p:localhost', $env('PEER_DB_USER'), $env('PEER_DB_PASSWORD'),
	    $env('PEER_DB_NAME', 'voucher'), 0, $env('PEER_DB_SOCKET'));
	$db->set_charset('utf8mb4');
	$now = time();
	$utc = fn(?string $dt): int => $dt === null ? 0 : strtotime($dt . ' UTC');

	$r = $db->prepare($sql['DBS_ROUND_CURRENT']);
	$r->execute();
	$year = (int)($r->get_result()->fetch_assoc()['year'] ?? 0);

	$st = $db->prepare($sql['STMT_NEXT_DUE']);
	$st->execute();
	$nd = $st->get_result()->fetch_assoc();
	$due = [];
	if (($nd['next_accept_deadline'] !== null &&
	    $utc($nd['next_accept_deadline']) <= $now) ||
	    $utc($nd['next_valid_until']) <= $now) {
		$at = gmdate('Y-m-d H:i:s', $now);
		$st = $db->prepare($sql['STMT_DUE_UNITS']);
		$st->bind_param('ss', $at, $at);
		$st->execute();
		foreach ($st->get_result() as $d)
			$due[(int)$d['product_id']] = (int)$d['n'];
	}

	$limit = $per_page;
	$offset = ($page - 1) * $per_page;
	$st = $db->prepare($sql['STMT_LIST(1,0)']);
	// the total's round and category (its page_total column), then the page's
	$st->bind_param('isisii', $year, $cat, $year, $cat, $limit, $offset);
	$st->execute();
	$items = [];
	$total = 0;
	foreach ($st->get_result() as $p) {
		if (!$items)
			$total = (int)$p['page_total'];
		$back = $due[$p['id']] ?? 0;
		$left = $p['remaining_units'] + $back;
		$rc = $p['rating_count'];
		$o = [
			'id' => $p['id'],
			'name' => $p['name'],
			'category' => $p['category'],
			'category_name' => CATEGORIES[$p['category']] ?? null,
			'provider_id' => $p['provider_id'],
			'provider_name' => $p['provider_name'],
			'market_price' => $p['market_price'],
			'voucher_price' => $p['voucher_price'],
			'unit_subsidy' => $p['unit_subsidy'],
			'enterprise_pays' => $p['enterprise_pays'],
			'remaining_units' => $left,
			'units_total' => $p['units_total'],
			'units_sold' => $p['units_sold'] - $back,
			'validity_days' => $p['validity_days'],
			'created_at' => str_replace(' ', 'T', $p['created_at']) . 'Z',
			'rating' => [
				// rounded half up to two decimals, as the catalog
				'average' => $rc > 0 ?
				    intdiv($p['rating_sum'] * 200 + $rc, 2 * $rc) / 100.0 : null,
				'count' => intdiv($rc, 3),
			],
			'sold_out' => $left <= 0,
		];
		$barred = $utc($p['provider_barred_until']);
		$why = null;
		if (($barred !== 0 && $now < $barred) || $p['provider_credit_flagged'])
			$why = ['code' => 'provider_not_eligible',
			    'message' => '该产品的服务机构暂不具备服务券资格，暂停下单'];
		elseif ($left <= 0)
			$why = ['code' => 'sold_out', 'message' => '该产品的优惠名额已用完'];
		$o['orderable'] = $why === null;
		if ($why !== null)
			$o['unorderable_reason'] = $why;
		$items[] = $o;
	}
	if ($page === 1 && count($items) < $per_page) {
		$total = count($items);
	} elseif (!$items) {
		$st = $db->prepare($sql['STMT_COUNT(1)']);
		$st->bind_param('is', $year, $cat);
		$st->execute();
		$total = (int)$st->get_result()->fetch_row()[0];
	}
} catch (mysqli_sql_exception $e) {
	error_log('list.php: ' . $e->getMessage());
	fail(503, 'unavailable');
}

header('Content-Type: application/json; charset=utf-8');
header('Cache-Control: public, max-age=1');
echo json_encode(['items' => $items, 'total' => $total, 'page' => $page,
    'per_page' => $per_page], JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES |
    JSON_PRESERVE_ZERO_FRACTION);
