/* phone.cc - the extern "C" shim over libphonenumber (see phone.h).
 *
 * PhoneNumberUtil::GetInstance() returns a process-wide singleton that the
 * library builds once (thread-safely) and never frees; it is reachable until
 * exit, so leak checkers do not count it. Parse() and friends are const and
 * safe to call from several threads. No C++ exception may cross into C:
 * everything is caught here and turned into an error code. */
#include "phone.h"

#include <cctype>
#include <cstring>
#include <string>

#include <phonenumbers/phonenumberutil.h>

extern "C" {
#include "common.h"
}

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

static const char *parse_error(PhoneNumberUtil::ErrorType e)
{
	switch (e) {
	case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
		return "phone number has no valid country code";
	case PhoneNumberUtil::NOT_A_NUMBER: return "not a phone number";
	case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
	case PhoneNumberUtil::TOO_SHORT_NSN: return "phone number is too short";
	case PhoneNumberUtil::TOO_LONG_NSN: return "phone number is too long";
	default: return "phone number cannot be parsed";
	}
}

extern "C" int oe_phone_e164(const char *num, const char *region, char *out, size_t cap,
			     const char **why)
{
	try {
		size_t n = strlen(num);
		if (n > OE_PHONE_IN_MAX) {
			*why = "phone number is too long";
			return OE_EINVAL;
		}
		char reg[3] = "ID";
		if (region) {
			if (strlen(region) != 2 || !isalpha((unsigned char)region[0]) ||
			    !isalpha((unsigned char)region[1])) {
				*why = "default region is not a two-letter country code";
				return OE_EINVAL;
			}
			reg[0] = (char)toupper((unsigned char)region[0]);
			reg[1] = (char)toupper((unsigned char)region[1]);
		}
		const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
		PhoneNumber pn;
		PhoneNumberUtil::ErrorType e = util.Parse(std::string(num, n), reg, &pn);
		if (e != PhoneNumberUtil::NO_PARSING_ERROR) {
			*why = parse_error(e);
			return OE_EINVAL;
		}
		if (!util.IsValidNumber(pn)) {
			*why = "not a valid phone number for its country";
			return OE_EINVAL;
		}
		std::string s;
		util.Format(pn, PhoneNumberUtil::E164, &s);
		if (s.size() + 1 > cap) {
			*why = "output buffer is too small";
			return OE_ETOOBIG;
		}
		memcpy(out, s.data(), s.size());
		out[s.size()] = '\0';
		return 0;
	} catch (...) {
		*why = "out of memory";
		return OE_ENOMEM;
	}
}
