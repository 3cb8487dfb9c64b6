/* wallet.h - crypto-currency addresses: validate the checksum, give the
 * canonical spelling and name the chain.
 *
 * Scam and ransom payments go to addresses that are copied by hand from
 * screenshots and chats; a checksum tells a typo from a real address, and
 * one spelling per address makes reports correlate.
 *
 * Canonical forms, by family:
 *   base58check (Bitcoin 1.. 3.., Litecoin L.. M.., Dogecoin D.. 9.. A..,
 *     Dash X.. 7.., Tron T.., Zcash t1.. t3.., testnet m.. n.. 2..):
 *     exactly as written; base58 is case-sensitive, so there is only one.
 *   XRP (r..): as written; base58check over Ripple's alphabet.
 *   bech32 / bech32m segwit (bc1.., tb1.., ltc1..; BIP-173, BIP-350):
 *     lower case (the all-upper-case spelling is valid too).
 *   Bitcoin Cash CashAddr: "bitcoincash:" + lower-case payload, the prefix
 *     added when it was left out.
 *   Ethereum and every EVM chain (0x + 40 hex): "0x" + lower case; a
 *     mixed-case input must carry a valid EIP-55 checksum, all-lower and
 *     all-upper inputs carry none.
 *   Monero (4.., 8..; standard, integrated, subaddress): as written.
 * Solana and other checksum-less 32-byte keys are not accepted: without a
 * checksum any base58 word would pass. */
#ifndef OE_WALLET_H
#define OE_WALLET_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
	OE_CHAIN_NONE = 0,
	OE_CHAIN_BITCOIN,
	OE_CHAIN_BITCOIN_TESTNET,
	OE_CHAIN_BITCOIN_CASH,
	OE_CHAIN_LITECOIN,
	OE_CHAIN_DOGECOIN,
	OE_CHAIN_DASH,
	OE_CHAIN_ZCASH,
	OE_CHAIN_ETHEREUM, /* also BNB Smart Chain, Polygon...: same addresses */
	OE_CHAIN_TRON,
	OE_CHAIN_XRP,
	OE_CHAIN_MONERO,
	OE_CHAIN__COUNT
} oe_chain;

/* Longest address accepted, in bytes: Monero integrated addresses are 106,
 * bech32 strings at most 90, CashAddr with prefix 73. */
#define OE_WALLET_MAX 110

/* "bitcoin", "ethereum", "tron", ...; "none" for OE_CHAIN_NONE. */
const char *oe_chain_name(oe_chain c);

/* Validate the address in len bytes at in (no surrounding space; need not
 * be NUL-terminated) and write its canonical form into out (cap bytes, NUL
 * terminated; OE_WALLET_MAX + 14 always suffice). chain may be NULL.
 * Returns 0, or OE_EINVAL with *why set to a static sentence, or
 * OE_ETOOBIG when cap is too small. */
int oe_wallet_canon(const char *in, size_t len, char *out, size_t cap, oe_chain *chain,
		    const char **why);

/* Keccak-256 as Ethereum uses it (the original Keccak padding, not
 * FIPS 202's), and SHA3-256 (FIPS 202) from the same permutation. */
void oe_keccak256(const void *in, size_t len, uint8_t out[32]);
void oe_sha3_256(const void *in, size_t len, uint8_t out[32]);

#endif
