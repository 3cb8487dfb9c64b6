/* bank.c - the national bank table (see bank.h).
 *
 * Sources: the interbank code lists published by Bank Indonesia (sandi
 * bank), the Bank of Thailand, the Association of Banks in Singapore, NAPAS
 * (the VietQR bank list) and the People's Bank of China (CNAPS bank class
 * codes), and SWIFT BICs. Only banks whose code was certain went in; add a
 * bank by adding a row. Account lengths are filled only where a bank has
 * one length for all its regular accounts; virtual accounts (longer,
 * issued to merchants) are not regular accounts.
 *
 * Invariant, checked by tests/core/test_canon.c: within a country no two
 * entries share a code or a normalised name. */
#include "bank.h"

#include <string.h>

/* clang-format off */
static const oe_bank banks[] = {
	/* Indonesia: 3-digit sandi bank (also the SKN/RTGS/BI-FAST code). */
	{"ID", "002", "Bank Rakyat Indonesia", {"BRI", "Bank BRI", "BRINIDJA"}, 15, 15},
	{"ID", "008", "Bank Mandiri", {"Mandiri", "BMRIIDJA"}, 13, 13},
	{"ID", "009", "Bank Negara Indonesia", {"BNI", "Bank BNI", "BNINIDJA"}, 10, 10},
	{"ID", "011", "Bank Danamon", {"Danamon", "Bank Danamon Indonesia", "BDINIDJA"}, 0, 0},
	{"ID", "013", "Bank Permata", {"Permata", "PermataBank", "BBBAIDJA"}, 0, 0},
	{"ID", "014", "Bank Central Asia", {"BCA", "Bank BCA", "CENAIDJA"}, 10, 10},
	{"ID", "016", "Maybank Indonesia", {"Maybank", "Bank Maybank Indonesia", "BII", "IBBKIDJA"}, 0, 0},
	{"ID", "019", "Bank Panin", {"Panin", "Panin Bank", "PINBIDJA"}, 0, 0},
	{"ID", "022", "CIMB Niaga", {"CIMB", "Bank CIMB Niaga", "BNIAIDJA"}, 0, 0},
	{"ID", "023", "UOB Indonesia", {"UOB", "Bank UOB Indonesia"}, 0, 0},
	{"ID", "028", "OCBC Indonesia", {"OCBC NISP", "OCBC", "NISP", "NISPIDJA"}, 0, 0},
	{"ID", "031", "Citibank Indonesia", {"Citibank", "Citi"}, 0, 0},
	{"ID", "046", "DBS Indonesia", {"DBS", "Bank DBS Indonesia"}, 0, 0},
	{"ID", "050", "Standard Chartered Indonesia", {"Standard Chartered"}, 0, 0},
	{"ID", "087", "HSBC Indonesia", {"HSBC"}, 0, 0},
	{"ID", "097", "Bank Mayapada", {"Mayapada"}, 0, 0},
	{"ID", "110", "Bank BJB", {"BJB", "Bank Jabar Banten", "Bank Jawa Barat"}, 0, 0},
	{"ID", "111", "Bank DKI", {"DKI"}, 0, 0},
	{"ID", "112", "BPD DIY", {"Bank BPD DIY", "Bank Pembangunan Daerah Yogyakarta"}, 0, 0},
	{"ID", "113", "Bank Jateng", {"Bank Jawa Tengah"}, 0, 0},
	{"ID", "114", "Bank Jatim", {"Bank Jawa Timur"}, 0, 0},
	{"ID", "115", "Bank Jambi", {NULL}, 0, 0},
	{"ID", "116", "Bank Aceh Syariah", {"Bank Aceh"}, 0, 0},
	{"ID", "117", "Bank Sumut", {"Bank Sumatera Utara"}, 0, 0},
	{"ID", "118", "Bank Nagari", {"Bank Sumbar", "Bank Sumatera Barat"}, 0, 0},
	{"ID", "119", "Bank Riau Kepri", {"BRK", "Bank Riau Kepri Syariah"}, 0, 0},
	{"ID", "120", "Bank Sumsel Babel", {NULL}, 0, 0},
	{"ID", "121", "Bank Lampung", {NULL}, 0, 0},
	{"ID", "122", "Bank Kalsel", {"Bank Kalimantan Selatan"}, 0, 0},
	{"ID", "123", "Bank Kalbar", {"Bank Kalimantan Barat"}, 0, 0},
	{"ID", "124", "Bankaltimtara", {"Bank Kaltimtara", "Bank Kaltim"}, 0, 0},
	{"ID", "125", "Bank Kalteng", {"Bank Kalimantan Tengah"}, 0, 0},
	{"ID", "126", "Bank Sulselbar", {NULL}, 0, 0},
	{"ID", "127", "Bank SulutGo", {NULL}, 0, 0},
	{"ID", "128", "Bank NTB Syariah", {"Bank NTB"}, 0, 0},
	{"ID", "129", "Bank BPD Bali", {"BPD Bali"}, 0, 0},
	{"ID", "130", "Bank NTT", {NULL}, 0, 0},
	{"ID", "131", "Bank Maluku Malut", {NULL}, 0, 0},
	{"ID", "132", "Bank Papua", {NULL}, 0, 0},
	{"ID", "133", "Bank Bengkulu", {NULL}, 0, 0},
	{"ID", "134", "Bank Sulteng", {NULL}, 0, 0},
	{"ID", "135", "Bank Sultra", {NULL}, 0, 0},
	{"ID", "137", "Bank Banten", {NULL}, 0, 0},
	{"ID", "147", "Bank Muamalat", {"Muamalat", "Bank Muamalat Indonesia", "MUABIDJA"}, 0, 0},
	{"ID", "153", "Bank Sinarmas", {"Sinarmas"}, 0, 0},
	{"ID", "200", "Bank Tabungan Negara", {"BTN", "Bank BTN", "BTANIDJA"}, 0, 0},
	{"ID", "213", "SMBC Indonesia", {"BTPN", "Bank BTPN", "Jenius"}, 0, 0},
	{"ID", "426", "Bank Mega", {"Mega"}, 0, 0},
	{"ID", "441", "KB Bukopin", {"Bukopin", "Bank KB Bukopin", "KB Bank"}, 0, 0},
	{"ID", "451", "Bank Syariah Indonesia", {"BSI", "Mandiri Syariah", "BSMDIDJA"}, 10, 10},
	{"ID", "484", "KEB Hana Indonesia", {"Hana", "KEB Hana", "Hana Bank"}, 0, 0},
	{"ID", "490", "Bank Neo Commerce", {"Neo Commerce", "BNC", "Bank Neo"}, 0, 0},
	{"ID", "494", "Bank Raya Indonesia", {"Bank Raya", "BRI Agroniaga"}, 0, 0},
	{"ID", "501", "BCA Digital", {"blu", "blu by BCA Digital", "Bank Digital BCA"}, 0, 0},
	{"ID", "503", "Bank Nationalnobu", {"Nobu", "Nobu Bank"}, 0, 0},
	{"ID", "506", "Bank Mega Syariah", {NULL}, 0, 0},
	{"ID", "517", "Bank Panin Dubai Syariah", {"Panin Dubai Syariah"}, 0, 0},
	{"ID", "531", "Amar Bank", {"Bank Amar", "Tunaiku"}, 0, 0},
	{"ID", "535", "SeaBank Indonesia", {"SeaBank", "Bank SeaBank"}, 0, 0},
	{"ID", "536", "BCA Syariah", {"Bank BCA Syariah"}, 0, 0},
	{"ID", "542", "Bank Jago", {"Jago"}, 0, 0},
	{"ID", "547", "BTPN Syariah", {"Bank BTPN Syariah"}, 0, 0},
	{"ID", "564", "Bank Mandiri Taspen", {"Mantap", "Bank Mantap"}, 0, 0},
	{"ID", "567", "Allo Bank", {"Allo", "Allo Bank Indonesia"}, 0, 0},
	{"ID", "947", "Bank Aladin Syariah", {"Aladin", "Bank Aladin"}, 0, 0},

	/* Malaysia: SWIFT BIC (IBG and DuitNow route by it). */
	{"MY", "MBBEMYKL", "Maybank", {"Malayan Banking", "Maybank2u"}, 12, 12},
	{"MY", "CIBBMYKL", "CIMB Bank", {"CIMB", "CIMB Clicks"}, 0, 0},
	{"MY", "PBBEMYKL", "Public Bank", {"PBB", "Public Bank Berhad"}, 10, 10},
	{"MY", "RHBBMYKL", "RHB Bank", {"RHB"}, 14, 14},
	{"MY", "HLBBMYKL", "Hong Leong Bank", {"Hong Leong", "HLB"}, 0, 0},
	{"MY", "ARBKMYKL", "AmBank", {"AmBank Malaysia", "AmBank Berhad"}, 0, 0},
	{"MY", "BIMBMYKL", "Bank Islam", {"Bank Islam Malaysia", "BIMB"}, 14, 14},
	{"MY", "BSNAMYK1", "Bank Simpanan Nasional", {"BSN"}, 16, 16},
	{"MY", "BKRMMYKL", "Bank Rakyat", {"Bank Kerjasama Rakyat Malaysia"}, 0, 0},
	{"MY", "MFBBMYKL", "Alliance Bank", {"Alliance Bank Malaysia"}, 0, 0},
	{"MY", "PHBMMYKL", "Affin Bank", {"Affin"}, 0, 0},
	{"MY", "OCBCMYKL", "OCBC Bank Malaysia", {"OCBC", "OCBC Malaysia"}, 0, 0},
	{"MY", "UOVBMYKL", "UOB Malaysia", {"UOB", "United Overseas Bank Malaysia"}, 0, 0},
	{"MY", "HBMBMYKL", "HSBC Bank Malaysia", {"HSBC"}, 0, 0},
	{"MY", "SCBLMYKX", "Standard Chartered Malaysia", {"Standard Chartered"}, 0, 0},
	{"MY", "BMMBMYKL", "Bank Muamalat Malaysia", {"Bank Muamalat", "Muamalat"}, 0, 0},
	{"MY", "AGOBMYKL", "Agrobank", {"Bank Pertanian Malaysia"}, 0, 0},

	/* Singapore: 4-digit bank code (FAST, GIRO). POSB is DBS's. */
	{"SG", "7171", "DBS Bank", {"DBS", "POSB", "DBSSSGSG"}, 9, 10},
	{"SG", "7339", "OCBC Bank", {"OCBC", "Oversea-Chinese Banking Corporation", "OCBCSGSG"}, 0, 0},
	{"SG", "7375", "United Overseas Bank", {"UOB", "UOVBSGSG"}, 10, 10},
	{"SG", "9496", "Standard Chartered Bank Singapore", {"Standard Chartered", "SCBLSG22"}, 0, 0},
	{"SG", "7214", "Citibank Singapore", {"Citibank", "Citi"}, 0, 0},
	{"SG", "9548", "HSBC Bank (Singapore)", {"HSBC"}, 0, 0},
	{"SG", "7302", "Maybank Singapore", {"Maybank"}, 0, 0},
	{"SG", "7986", "CIMB Bank Singapore", {"CIMB"}, 0, 0},
	{"SG", "7144", "Bank of China Singapore", {"Bank of China", "BOC"}, 0, 0},

	/* Thailand: 3-digit bank code (PromptPay, ITMX). */
	{"TH", "002", "Bangkok Bank", {"BBL", "ธนาคารกรุงเทพ", "BKKBTHBK"}, 10, 10},
	{"TH", "004", "Kasikornbank", {"KBank", "กสิกรไทย", "ธนาคารกสิกรไทย", "KASITHBK"}, 10, 10},
	{"TH", "006", "Krung Thai Bank", {"KTB", "Krungthai", "กรุงไทย", "ธนาคารกรุงไทย", "KRTHTHBK"}, 10, 10},
	{"TH", "011", "TMBThanachart Bank", {"TTB", "TMB", "ทหารไทยธนชาต", "TMBKTHBK"}, 10, 10},
	{"TH", "014", "Siam Commercial Bank", {"SCB", "ไทยพาณิชย์", "ธนาคารไทยพาณิชย์", "SICOTHBK"}, 10, 10},
	{"TH", "022", "CIMB Thai", {"CIMB", "CIMB Thai Bank"}, 10, 10},
	{"TH", "024", "UOB Thailand", {"UOB", "United Overseas Bank Thai"}, 10, 10},
	{"TH", "025", "Bank of Ayudhya", {"Krungsri", "BAY", "กรุงศรี", "กรุงศรีอยุธยา", "AYUDTHBK"}, 10, 10},
	{"TH", "030", "Government Savings Bank", {"GSB", "ออมสิน", "ธนาคารออมสิน", "GSBATHBK"}, 12, 12},
	{"TH", "033", "Government Housing Bank", {"GHB", "ธอส.", "ธนาคารอาคารสงเคราะห์"}, 12, 12},
	{"TH", "034", "Bank for Agriculture and Agricultural Cooperatives", {"BAAC", "ธ.ก.ส.", "BAABTHBK"}, 12, 12},
	{"TH", "066", "Islamic Bank of Thailand", {"IBANK"}, 0, 0},
	{"TH", "067", "TISCO Bank", {"TISCO"}, 10, 10},
	{"TH", "069", "Kiatnakin Phatra Bank", {"KKP", "Kiatnakin"}, 10, 10},
	{"TH", "071", "Thai Credit Bank", {"Thai Credit"}, 0, 0},
	{"TH", "073", "LH Bank", {"Land and Houses Bank"}, 10, 10},

	/* Philippines: SWIFT BIC (InstaPay and PESONet route by it). */
	{"PH", "BNORPHMM", "BDO Unibank", {"BDO", "Banco de Oro"}, 0, 0},
	{"PH", "BOPIPHMM", "Bank of the Philippine Islands", {"BPI"}, 10, 10},
	{"PH", "MBTCPHMM", "Metrobank", {"Metropolitan Bank and Trust", "Metropolitan Bank"}, 13, 13},
	{"PH", "LBPHPHMM", "Land Bank of the Philippines", {"Landbank", "LBP"}, 10, 10},
	{"PH", "PNBMPHMM", "Philippine National Bank", {"PNB"}, 0, 0},
	{"PH", "SETCPHMM", "Security Bank", {"Security Bank Corporation"}, 0, 0},
	{"PH", "UBPHPHMM", "UnionBank of the Philippines", {"UnionBank", "UBP"}, 12, 12},
	{"PH", "RCBCPHMM", "Rizal Commercial Banking Corporation", {"RCBC"}, 0, 0},
	{"PH", "CHBKPHMM", "China Banking Corporation", {"China Bank", "Chinabank Corporation"}, 0, 0},
	{"PH", "DBPHPHMM", "Development Bank of the Philippines", {"DBP"}, 0, 0},
	{"PH", "EWBCPHMM", "EastWest Bank", {"EastWest", "East West Banking Corporation"}, 0, 0},
	{"PH", "PHSBPHMM", "PSBank", {"Philippine Savings Bank"}, 0, 0},
	{"PH", "AUBKPHMM", "Asia United Bank", {"AUB"}, 0, 0},

	/* Vietnam: 6-digit NAPAS BIN, as VietQR carries it. Banks sell
	 * "beautiful" account numbers of any length, so no lengths. */
	{"VN", "970436", "Vietcombank", {"VCB", "BFTVVNVX"}, 0, 0},
	{"VN", "970415", "VietinBank", {"CTG", "ICBVVNVX"}, 0, 0},
	{"VN", "970418", "BIDV", {"Bank for Investment and Development of Vietnam", "BIDVVNVX"}, 0, 0},
	{"VN", "970405", "Agribank", {"VBA", "VBAAVNVX"}, 0, 0},
	{"VN", "970407", "Techcombank", {"TCB", "VTCBVNVX"}, 0, 0},
	{"VN", "970422", "MB Bank", {"MB", "Military Commercial Joint Stock Bank", "MSCBVNVX"}, 0, 0},
	{"VN", "970416", "ACB", {"Asia Commercial Bank", "ASCBVNVX"}, 0, 0},
	{"VN", "970432", "VPBank", {"VPB", "VPBKVNVX"}, 0, 0},
	{"VN", "970403", "Sacombank", {"STB", "SGTTVNVX"}, 0, 0},
	{"VN", "970423", "TPBank", {"TPB", "Tien Phong Bank", "TPBVVNVX"}, 0, 0},
	{"VN", "970443", "SHB", {"Saigon-Hanoi Bank", "SHBAVNVX"}, 0, 0},
	{"VN", "970437", "HDBank", {"HDB", "HDBCVNVX"}, 0, 0},
	{"VN", "970441", "VIB", {"Vietnam International Bank", "VNIBVNVX"}, 0, 0},
	{"VN", "970431", "Eximbank", {"EIB", "EBVIVNVX"}, 0, 0},
	{"VN", "970426", "MSB", {"Maritime Bank", "MCOBVNVX"}, 0, 0},
	{"VN", "970448", "OCB", {"Orient Commercial Bank", "ORCOVNVX"}, 0, 0},
	{"VN", "970440", "SeABank", {"Southeast Asia Bank", "SEAVVNVX"}, 0, 0},
	{"VN", "970449", "LPBank", {"LienVietPostBank", "LPB", "LVBKVNVX"}, 0, 0},
	{"VN", "970454", "Viet Capital Bank", {"BVBank", "Ban Viet"}, 0, 0},
	{"VN", "970429", "Saigon Commercial Bank", {"SCB"}, 0, 0},
	{"VN", "970409", "Bac A Bank", {"BacABank"}, 0, 0},
	{"VN", "970412", "PVcomBank", {NULL}, 0, 0},
	{"VN", "970419", "National Citizen Bank", {"NCB"}, 0, 0},
	{"VN", "970425", "ABBANK", {"An Binh Bank"}, 0, 0},
	{"VN", "970428", "Nam A Bank", {"NamABank"}, 0, 0},
	{"VN", "970424", "Shinhan Bank Vietnam", {"Shinhan", "Shinhan Bank"}, 0, 0},

	/* China: 3-digit CNAPS bank class code (the first three digits of a
	 * branch's 12-digit CNAPS code). Account lengths vary by product. */
	{"CN", "102", "Industrial and Commercial Bank of China", {"ICBC", "工商银行", "中国工商银行", "ICBKCNBJ"}, 0, 0},
	{"CN", "103", "Agricultural Bank of China", {"ABC", "农业银行", "中国农业银行", "ABOCCNBJ"}, 0, 0},
	{"CN", "104", "Bank of China", {"BOC", "中国银行", "BKCHCNBJ"}, 0, 0},
	{"CN", "105", "China Construction Bank", {"CCB", "建设银行", "中国建设银行", "PCBCCNBJ"}, 0, 0},
	{"CN", "301", "Bank of Communications", {"BoCom", "交通银行", "COMMCNSH"}, 0, 0},
	{"CN", "302", "China CITIC Bank", {"CITIC", "中信银行", "CIBKCNBJ"}, 0, 0},
	{"CN", "303", "China Everbright Bank", {"CEB", "光大银行", "中国光大银行", "EVERCNBJ"}, 0, 0},
	{"CN", "304", "Hua Xia Bank", {"Huaxia", "华夏银行", "HXBKCNBJ"}, 0, 0},
	{"CN", "305", "China Minsheng Bank", {"CMBC", "Minsheng", "民生银行", "中国民生银行", "MSBCCNBJ"}, 0, 0},
	{"CN", "306", "China Guangfa Bank", {"CGB", "Guangfa", "广发银行", "GDBKCNBG"}, 0, 0},
	{"CN", "307", "Ping An Bank", {"平安银行", "SZDBCNBS"}, 0, 0},
	{"CN", "308", "China Merchants Bank", {"CMB", "招商银行", "CMBCCNBS"}, 0, 0},
	{"CN", "309", "Industrial Bank", {"CIB", "兴业银行", "FJIBCNBA"}, 0, 0},
	{"CN", "310", "Shanghai Pudong Development Bank", {"SPDB", "浦发银行", "上海浦东发展银行", "SPDBCNSH"}, 0, 0},
	{"CN", "315", "Hengfeng Bank", {"恒丰银行"}, 0, 0},
	{"CN", "316", "China Zheshang Bank", {"CZB", "浙商银行"}, 0, 0},
	{"CN", "403", "Postal Savings Bank of China", {"PSBC", "邮储银行", "中国邮政储蓄银行", "PSBCCNBJ"}, 0, 0},
};
/* clang-format on */

#define NBANKS (sizeof(banks) / sizeof(banks[0]))

/* Longest name compared, after normalisation. Longer input matches nothing. */
#define NAME_KEY_MAX 96

static bool same_country(const oe_bank *b, const char *cc)
{
	if (!cc || !cc[0] || !cc[1] || cc[2])
		return false;
	for (int i = 0; i < 2; i++) {
		char c = cc[i];
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != b->country[i])
			return false;
	}
	return true;
}

bool oe_bank_country_known(const char *cc)
{
	for (size_t i = 0; i < NBANKS; i++)
		if (same_country(&banks[i], cc))
			return true;
	return false;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

const oe_bank *oe_bank_by_code(const char *cc, const char *code, size_t len)
{
	/* "MBBEMYKLXXX" is the same BIC as "MBBEMYKL" (XXX: head office). */
	if (len == 11 && lower(code[8]) == 'x' && lower(code[9]) == 'x' && lower(code[10]) == 'x')
		len = 8;
	for (size_t i = 0; i < NBANKS; i++) {
		const oe_bank *b = &banks[i];
		if (!same_country(b, cc) || strlen(b->code) != len)
			continue;
		size_t j = 0;
		while (j < len && lower(code[j]) == lower(b->code[j]))
			j++;
		if (j == len)
			return b;
	}
	return NULL;
}

/* Write the comparison key of s (len bytes) into key: ASCII letters and
 * digits lower-cased, other ASCII dropped, UTF-8 bytes kept. Returns its
 * length, or -1 when longer than NAME_KEY_MAX. */
static int name_key(const char *s, size_t len, char key[NAME_KEY_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool keep = c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
			    (c >= 'A' && c <= 'Z');
		if (!keep)
			continue;
		if (n == NAME_KEY_MAX)
			return -1;
		key[n++] = lower((char)c);
	}
	return (int)n;
}

static bool key_is(const char *key, int klen, const char *name)
{
	char k2[NAME_KEY_MAX];
	int n2 = name_key(name, strlen(name), k2);
	return n2 == klen && memcmp(key, k2, (size_t)klen) == 0;
}

const oe_bank *oe_bank_by_name(const char *cc, const char *name, size_t len)
{
	const oe_bank *b = oe_bank_by_code(cc, name, len);
	if (b)
		return b;
	char key[NAME_KEY_MAX];
	int klen = name_key(name, len, key);
	if (klen <= 0)
		return NULL;
	for (size_t i = 0; i < NBANKS; i++) {
		b = &banks[i];
		if (!same_country(b, cc))
			continue;
		if (key_is(key, klen, b->name))
			return b;
		for (size_t a = 0; a < OE_BANK_ALIASES_MAX && b->aliases[a]; a++)
			if (key_is(key, klen, b->aliases[a]))
				return b;
	}
	return NULL;
}

size_t oe_bank_count(void)
{
	return NBANKS;
}

const oe_bank *oe_bank_at(size_t i)
{
	return i < NBANKS ? &banks[i] : NULL;
}
