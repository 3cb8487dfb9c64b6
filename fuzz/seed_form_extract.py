#!/usr/bin/env python3
# seed_form_extract.py - writes the seed corpora of fuzz_form and
# fuzz_extract (fuzz/corpus/form/, fuzz/corpus/extract/). The seeds are
# small, each showing the parser one feature or one refusal; a script
# rather than hand-made files because multipart bodies need exact CRLFs
# and NULs. Re-run after changing a seed: python3 fuzz/seed_form_extract.py
# Files the fuzzer added later (crashers, named crash-*) are left alone.
import os

HERE = os.path.dirname(os.path.abspath(__file__))

# fuzz_form: byte 0 bit 0 = multipart; bits 1-2 pick the Content-Type.
URLENC = b"\x00"
MP_X = b"\x01"  # boundary=x
MP_B = b"\x03"  # boundary=b0undary
MP_XQ = b"\x05"  # boundary="x"
MP_BQ = b"\x07"  # charset=utf-8; boundary="b0undary"


def part(b, headers, body):
    return b"--" + b + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body + b"\r\n"


def cd(name, filename=None):
    h = b'Content-Disposition: form-data; name="' + name + b'"'
    if filename is not None:
        h += b'; filename="' + filename + b'"'
    return h


form = {
    "url-basic": URLENC
    + b"name=Budi+Santoso&phone=%2B62+812-3456-7890&empty=&flag&&bank=%E5%B7%A5%e5%95%86",
    "url-bad-escape": URLENC + b"a=1&b=%G1&c=%4",
    "url-nul": URLENC + b"v=a%00b&n%00=1",
    "url-long-name": URLENC + b"n" * 129 + b"=1",
    "url-many": URLENC + b"&".join(b"f%d=%d" % (i, i) for i in range(257)),
    "mp-browser": MP_B
    + b"preamble\r\n"
    + part(b"b0undary", [cd(b"what")], b"Saya ditelepon dari 0812-3456-7890.\r\nLalu transfer.")
    + part(b"b0undary", [cd(b"tlp")], b"amber")
    + part(
        b"b0undary",
        [cd(b"evidence", b"layar.png"), b"Content-Type: image/png"],
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    + part(b"b0undary", [cd(b"evidence", b"chat.txt"), b"Content-Type: text/plain"], b"a\nb\n")
    + part(b"b0undary", [cd(b"evidence", b""), b"Content-Type: application/octet-stream"], b"")
    + b"--b0undary--\r\nepilogue\r\n",
    "mp-lf": MP_X
    + b'--x\nContent-Disposition: form-data; name="a"\n\n1\n--x\n'
    + b'Content-Disposition: form-data; name="b"\n\n\n--x--',
    "mp-quoted": MP_XQ
    + b"--x\r\n"
    + b'Content-Disposition: form-data; name="a \\"q\\" b"; filename="C:\\\\x.txt"\r\n\r\n'
    + b"data\r\n--x\r\n"
    + b"Content-Disposition: form-data; name=f; filename=\"plain.txt\"; "
    + b"filename*=UTF-8''%e2%82%ac%20rates.txt\r\n\r\n\r\n--x--\r\n",
    "mp-missing-final": MP_B + part(b"b0undary", [cd(b"f", b"x.bin")], b"half a file")[:-2],
    "mp-no-close": MP_B + part(b"b0undary", [cd(b"a")], b"1") + b"--b0undary\r\n",
    "mp-header-limit": MP_X + b"--x\r\n" + cd(b"a") + b"\r\nX-Pad: " + b"p" * 4100 + b"\r\n\r\nx\r\n--x--",
    "mp-too-many": MP_X + b"".join(part(b"x", [cd(b"f%d" % i)], b"%d" % i) for i in range(257)) + b"--x--",
    "mp-lookalikes": MP_X
    + b"--x is in the preamble\r\n--x\r\n"
    + cd(b"t")
    + b"\r\n\r\nx--x\r\n--xX\r\n--x-\r\n--\r\n--x--\r\n",
    "mp-empty-part": MP_X + b"--x\r\n" + cd(b"e") + b"\r\n\r\n--x--",
    "mp-close-only": MP_X + b"--x--",
    "mp-no-disposition": MP_X + b"--x\r\nContent-Type: text/plain\r\n\r\nx\r\n--x--",
    "mp-folded": MP_X + b"--x\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--x--",
    "mp-padding": MP_BQ + part(b"b0undary", [cd(b"a")], b"1").replace(b"b0undary\r\n", b"b0undary \t\r\n", 1) + b"--b0undary--",
    "mp-nul-header": MP_X + b'--x\r\nContent-Disposition: form-data; name="a\x00"\r\n\r\nx\r\n--x--',
    "mp-two-dispositions": MP_X + b"--x\r\n" + cd(b"a") + b"\r\n" + cd(b"b") + b"\r\n\r\nx\r\n--x--",
    "mp-attachment": MP_X + b"--x\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--x--",
    "mp-unterminated-quote": MP_X + b'--x\r\nContent-Disposition: form-data; name="a\r\n\r\nx\r\n--x--',
    # Found by fuzzing: a parameter with an empty name once stopped the
    # parameter cursor (an endless loop).
    "hang-empty-param-name": MP_X + b"--x\r\nContent-Disposition: form-data; =x; name=a\r\n\r\nv\r\n--x--",
    "hang-empty-param-quoted": MP_X
    + b'--x\r\nContent-Disposition: form-data; name=a; ="\\"q"\r\n\r\nv\r\n--x--',
}

# fuzz_extract: byte 0 bits 0-2 = phone region (ID CN MY SG TH VN PH US),
# bit 3 = bank names of Indonesia whatever the region.
ID, CN, MY, SG, TH = b"\x00", b"\x01", b"\x02", b"\x03", b"\x04"

extract = {
    "story-id": ID
    + b"Pada 12-05-2024 saya ditelepon dari nomor 0812-3456-7890, lalu lewat WA +62 813 1111 2222. "
    + b"Bayar Rp 1.500.000 ke rekening BCA 1234567890 a/n Budi. Link hxxps://bca-promo[.]xyz/klaim, "
    + b"bukti ke cs.bca[at]gmail[.]com, atau bitcoin 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa. "
    + b"Lampiran bukti.txt, a.b; lihat michigan.org.",
    "story-en": ID
    + b"He called from +1 650 253 0000 and (021) 555-1234, sent http://paypal.com.verify-account.info/login?id=7 "
    + b"mail support@verify-account.info, pay 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed, server 203.0.113.7.",
    "story-zh": CN
    + "骗子电话13800138000，让我转账到工商银行 6222 0212 3456 7890 123，金额5000元。网站 fake-icbc.cn。".encode(),
    "bank-id": ID
    + b"rekening Mandiri no. 123-00-1234567-8; Bank Central Asia a/n Budi 1234567890; "
    + b"B.C.A. 1234 5678 90; CENAIDJA 1234567890; BCA Syariah: 7123456789; Jago 100012345678 a/n X, 081234567890",
    "bank-my": MY + b"Maybank acc 1234 5678 9012, Public Bank 3123456789, call 012-345 6789",
    "bank-th": TH + "กสิกรไทย 123-4-56789-0 โทร 081 234 5678".encode(),
    "bank-cn-glued": CN + "中国工商银行卡号6222021234567890123 手机 138 0013 8000".encode(),
    "bank-id-in-cn": b"\x09" + b"BCA 1234567890 dan 13800138000",
    "phones": ID
    + b"0812 3456 7890 / 0812.3456.7890 / +62 (0) 812 3456 7890 / 6281311112222 / 0812 3456 7890 0813 1111 2222 "
    + b"kode 123 0812 3456 7890",
    "phones-sg": SG + b"call 9123 4567 or 6123 4567, +65 6123 4567",
    "money-dates": ID
    + b"Rp 1.500.000, Rp15.000.000, Rp 15000000, 15000000 rupiah, IDR 081234567, $ 98765432, "
    + "5000元, ¥12345678, 12-05-2024 2024-05-12 12.05.2024 NIK 3171234567890001 4111 1111 1111 1111".encode(),
    "defanged": ID
    + b"budi [at] gmail [dot] com, HXXP[:]//Evil[.]Example/Path, hxxps[://]bad(.)site/ evil[dot]example "
    + b"WWW[.]bad[.]id 10[.]0[.]0[.]1",
    "urls": ID
    + b"(see http://a.example/x) and [http://b.example/wiki_(x)] www.evil.com/login?x=1). "
    + b"https://evil.xyz/a?b=1&c=2! http://localhost/ http://user@other.net:8080/ other.net",
    "emails": ID + b"Budi.Santoso+promo@Gmail.com; foto@2x.png; @handle; a@b; a@evil-mail.com evil-mail.com",
    "domains": ID + b"file.txt a.b Mr.Smith e.g. v1.2.3 kantor.go.id Example.CO.ID. dll.Kemudian bca-promo.xyz",
    "ips": ID
    + b"192.168.1.1, 999.1.1.1, 1.2.3.4.5, 010.1.1.1, 1.2.3.4:8080, ::1, fe80::1., [2001:db8::2], "
    + b"12:30:45, 00:1a:2b:3c:4d:5e, 192.168.1.1x, ::ffff:1.2.3.4",
    "wallets": ID
    + b"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 BC1SW50QGDZ25J "
    + b"bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t "
    + b"1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb 0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "binary": ID + b"\xff\xfe\x80 0812-3456-7890 \xc3\x28 evil.com \x00\x01 \xe5\xb7",
    "dedup": ID + b"0812-3456-7890, +6281234567890, 0812 3456 7890, EVIL.com evil.com",
    "digit-soup": ID + b"BCA " + b" ".join(b"%d" % (i % 10) for i in range(200)) + b" 1.2.3.4.5.6.7.8 12:34:56",
    "long-token": ID + b"a" * 400 + b".com " + b"x." * 200 + b"com 1" * 50,
    "phone-words": ID + b"rekening Jago, kalau telp 081234567890; BNI +62 812 3456 7890; BCA 081234567890",
}


def write(name, seeds):
    d = os.path.join(HERE, "corpus", name)
    os.makedirs(d, exist_ok=True)
    for k, v in seeds.items():
        with open(os.path.join(d, k), "wb") as f:
            f.write(v)


write("form", form)
write("extract", extract)
