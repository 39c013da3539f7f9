/*
 * spoken.c: numbers and Latin letters written out in words, per language.
 *
 * Each language has a function that appends the words of 0 to 999 and a
 * table of the names of A to Z, as the language says them when it spells a
 * code. The forms are the counting forms (the number said alone), which is
 * how a ticket number is called.
 */
#include <stdio.h>
#include <string.h>

#include "util/spoken.h"

typedef int (*number_fn)(unsigned n, buf *out);

/* Appends "a" then " b"-style pieces: puts with an optional separator. */
static void put(buf *out, const char *s)
{
	buf_puts(out, s);
}

/* ---- French. */

static const char *const fr_units[20] = {
    "zéro", "un",   "deux",  "trois",  "quatre",   "cinq",   "six",   "sept",     "huit",     "neuf",
    "dix",  "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
};
static const char *const fr_tens[10] = {"",          "",         "vingt",    "trente",       "quarante",
                                        "cinquante", "soixante", "soixante", "quatre-vingt", "quatre-vingt"};

static void fr_below_100(unsigned n, buf *out)
{
	if (n < 20) {
		put(out, fr_units[n]);
		return;
	}
	unsigned t = n / 10, u = n % 10;
	if (t == 7 || t == 9)
		u += 10; /* soixante-dix, quatre-vingt-onze */
	put(out, fr_tens[t]);
	if (u == 0)
		put(out, t == 8 ? "s" : "");
	else if ((u == 1 || u == 11) && t < 8)
		buf_printf(out, " et %s", fr_units[u]);
	else
		buf_printf(out, "-%s", fr_units[u]);
}

static int fr_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		if (h > 1)
			buf_printf(out, "%s ", fr_units[h]);
		put(out, "cent");
		if (h > 1 && rest == 0)
			put(out, "s");
		if (rest)
			put(out, " ");
	}
	if (rest || !h)
		fr_below_100(rest, out);
	return 0;
}

/* ---- English (British: "one hundred and twelve"). */

static const char *const en_units[20] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
};
static const char *const en_tens[10] = {"",      "",      "twenty",  "thirty", "forty",
                                        "fifty", "sixty", "seventy", "eighty", "ninety"};

static int en_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		buf_printf(out, "%s hundred", en_units[h]);
		if (rest)
			put(out, " and ");
	}
	if (rest < 20 && (rest || !h))
		put(out, en_units[rest]);
	else if (rest >= 20) {
		put(out, en_tens[rest / 10]);
		if (rest % 10)
			buf_printf(out, "-%s", en_units[rest % 10]);
	}
	return 0;
}

/* ---- Spanish. */

static const char *const es_units[30] = {
    "cero",         "uno",         "dos",        "tres",        "cuatro",     "cinco",
    "seis",         "siete",       "ocho",       "nueve",       "diez",       "once",
    "doce",         "trece",       "catorce",    "quince",      "dieciséis",  "diecisiete",
    "dieciocho",    "diecinueve",  "veinte",     "veintiuno",   "veintidós",  "veintitrés",
    "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve",
};
static const char *const es_tens[10] = {"",          "",        "",        "treinta", "cuarenta",
                                        "cincuenta", "sesenta", "setenta", "ochenta", "noventa"};
static const char *const es_hundreds[10] = {
    "",           "ciento",      "doscientos",  "trescientos", "cuatrocientos",
    "quinientos", "seiscientos", "setecientos", "ochocientos", "novecientos"};

static int es_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (n == 100) {
		put(out, "cien");
		return 0;
	}
	if (h) {
		put(out, es_hundreds[h]);
		if (rest)
			put(out, " ");
	}
	if (rest < 30 && (rest || !h))
		put(out, es_units[rest]);
	else if (rest >= 30) {
		put(out, es_tens[rest / 10]);
		if (rest % 10)
			buf_printf(out, " y %s", es_units[rest % 10]);
	}
	return 0;
}

/* ---- Portuguese (of Portugal: dezasseis). */

static const char *const pt_units[20] = {
    "zero", "um",   "dois", "três",  "quatro",  "cinco",  "seis",      "sete",      "oito",    "nove",
    "dez",  "onze", "doze", "treze", "catorze", "quinze", "dezasseis", "dezassete", "dezoito", "dezanove",
};
static const char *const pt_tens[10] = {"",          "",         "vinte",   "trinta",  "quarenta",
                                        "cinquenta", "sessenta", "setenta", "oitenta", "noventa"};
static const char *const pt_hundreds[10] = {
    "",           "cento",      "duzentos",   "trezentos",  "quatrocentos",
    "quinhentos", "seiscentos", "setecentos", "oitocentos", "novecentos"};

static int pt_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (n == 100) {
		put(out, "cem");
		return 0;
	}
	if (h) {
		put(out, pt_hundreds[h]);
		if (rest)
			put(out, " e ");
	}
	if (rest < 20 && (rest || !h))
		put(out, pt_units[rest]);
	else if (rest >= 20) {
		put(out, pt_tens[rest / 10]);
		if (rest % 10)
			buf_printf(out, " e %s", pt_units[rest % 10]);
	}
	return 0;
}

/* ---- Romanian. */

static const char *const ro_units[20] = {
    "zero",          "unu",         "doi",           "trei",         "patru",
    "cinci",         "șase",        "șapte",         "opt",          "nouă",
    "zece",          "unsprezece",  "doisprezece",   "treisprezece", "paisprezece",
    "cincisprezece", "șaisprezece", "șaptesprezece", "optsprezece",  "nouăsprezece",
};
static const char *const ro_tens[10] = {"",          "",        "douăzeci",  "treizeci", "patruzeci",
                                        "cincizeci", "șaizeci", "șaptezeci", "optzeci",  "nouăzeci"};

static int ro_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h == 1)
		put(out, "o sută");
	else if (h == 2)
		put(out, "două sute");
	else if (h)
		buf_printf(out, "%s sute", ro_units[h]);
	if (h && rest)
		put(out, " ");
	if (rest < 20 && (rest || !h))
		put(out, ro_units[rest]);
	else if (rest >= 20) {
		put(out, ro_tens[rest / 10]);
		if (rest % 10)
			buf_printf(out, " și %s", ro_units[rest % 10]);
	}
	return 0;
}

/* ---- Turkish. */

static const char *const tr_units[10] = {"sıfır", "bir",  "iki",  "üç",    "dört",
                                         "beş",   "altı", "yedi", "sekiz", "dokuz"};
static const char *const tr_tens[10] = {"",     "on",     "yirmi",  "otuz",   "kırk",
                                        "elli", "altmış", "yetmiş", "seksen", "doksan"};

static int tr_number(unsigned n, buf *out)
{
	unsigned h = n / 100, t = n / 10 % 10, u = n % 10;
	const char *sep = "";
	if (n == 0) {
		put(out, tr_units[0]);
		return 0;
	}
	if (h) {
		buf_printf(out, "%s%s", h > 1 ? tr_units[h] : "", h > 1 ? " yüz" : "yüz");
		sep = " ";
	}
	if (t) {
		buf_printf(out, "%s%s", sep, tr_tens[t]);
		sep = " ";
	}
	if (u)
		buf_printf(out, "%s%s", sep, tr_units[u]);
	return 0;
}

/* ---- Russian and Ukrainian: units, teens, tens and hundreds apart. */

static const char *const ru_words[4][10] = {
    {"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"},
    {"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
     "семнадцать", "восемнадцать", "девятнадцать"},
    {"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят",
     "девяносто"},
    {"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"},
};
static const char *const uk_words[4][10] = {
    {"нуль", "один", "два", "три", "чотири", "п'ять", "шість", "сім", "вісім", "дев'ять"},
    {"десять", "одинадцять", "дванадцять", "тринадцять", "чотирнадцять", "п'ятнадцять", "шістнадцять",
     "сімнадцять", "вісімнадцять", "дев'ятнадцять"},
    {"", "", "двадцять", "тридцять", "сорок", "п'ятдесят", "шістдесят", "сімдесят", "вісімдесят",
     "дев'яносто"},
    {"", "сто", "двісті", "триста", "чотириста", "п'ятсот", "шістсот", "сімсот", "вісімсот", "дев'ятсот"},
};

static int slavic_number(const char *const w[4][10], unsigned n, buf *out)
{
	unsigned h = n / 100, t = n / 10 % 10, u = n % 10;
	const char *sep = "";
	if (n == 0) {
		put(out, w[0][0]);
		return 0;
	}
	if (h) {
		put(out, w[3][h]);
		sep = " ";
	}
	if (t == 1) {
		buf_printf(out, "%s%s", sep, w[1][u]);
		return 0;
	}
	if (t) {
		buf_printf(out, "%s%s", sep, w[2][t]);
		sep = " ";
	}
	if (u)
		buf_printf(out, "%s%s", sep, w[0][u]);
	return 0;
}

static int ru_number(unsigned n, buf *out)
{
	return slavic_number(ru_words, n, out);
}

static int uk_number(unsigned n, buf *out)
{
	return slavic_number(uk_words, n, out);
}

/* ---- Albanian. */

static const char *const sq_units[20] = {
    "zero",
    "një",
    "dy",
    "tre",
    "katër",
    "pesë",
    "gjashtë",
    "shtatë",
    "tetë",
    "nëntë",
    "dhjetë",
    "njëmbëdhjetë",
    "dymbëdhjetë",
    "trembëdhjetë",
    "katërmbëdhjetë",
    "pesëmbëdhjetë",
    "gjashtëmbëdhjetë",
    "shtatëmbëdhjetë",
    "tetëmbëdhjetë",
    "nëntëmbëdhjetë",
};
static const char *const sq_tens[10] = {"",           "",           "njëzet",        "tridhjetë",
                                        "dyzet",      "pesëdhjetë", "gjashtëdhjetë", "shtatëdhjetë",
                                        "tetëdhjetë", "nëntëdhjetë"};

static int sq_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		buf_printf(out, "%sqind", h == 1 ? "një" : sq_units[h]);
		if (rest)
			put(out, " e ");
	}
	if (rest < 20 && (rest || !h))
		put(out, sq_units[rest]);
	else if (rest >= 20) {
		put(out, sq_tens[rest / 10]);
		if (rest % 10)
			buf_printf(out, " e %s", sq_units[rest % 10]);
	}
	return 0;
}

/* ---- Georgian: counts by twenties (ოცდაათი, thirty, is "twenty and
 * ten"). A final ი falls before what follows: ას ერთი, ოცდა... */

static const char *const ka_units[20] = {
    "ნული",     "ერთი",     "ორი",       "სამი",     "ოთხი",     "ხუთი",     "ექვსი",
    "შვიდი",    "რვა",      "ცხრა",      "ათი",      "თერთმეტი", "თორმეტი",  "ცამეტი",
    "თოთხმეტი", "თხუთმეტი", "თექვსმეტი", "ჩვიდმეტი", "თვრამეტი", "ცხრამეტი",
};
static const char *const ka_scores[5] = {"", "ოც", "ორმოც", "სამოც", "ოთხმოც"};
static const char *const ka_hundreds[10] = {"",      "ას",     "ორას",   "სამას", "ოთხას",
                                            "ხუთას", "ექვსას", "შვიდას", "რვაას", "ცხრაას"};

static int ka_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		put(out, ka_hundreds[h]);
		put(out, rest ? " " : "ი");
	}
	if (!rest) {
		if (!h)
			put(out, ka_units[0]);
		return 0;
	}
	if (rest < 20) {
		put(out, ka_units[rest]);
		return 0;
	}
	put(out, ka_scores[rest / 20]);
	if (rest % 20)
		buf_printf(out, "და%s", ka_units[rest % 20]);
	else
		put(out, "ი");
	return 0;
}

/* ---- Chinese (Mandarin). */

static const char *const zh_digits[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

static int zh_number(unsigned n, buf *out)
{
	unsigned h = n / 100, t = n / 10 % 10, u = n % 10;
	if (n < 10) {
		put(out, zh_digits[n]);
		return 0;
	}
	if (h) {
		buf_printf(out, "%s百", zh_digits[h]);
		if (t == 0 && u == 0)
			return 0;
		if (t == 0) {
			buf_printf(out, "零%s", zh_digits[u]);
			return 0;
		}
	}
	/* 十二 alone, 一百一十二 after hundreds. */
	if (t > 1 || h)
		put(out, zh_digits[t]);
	put(out, "十");
	if (u)
		put(out, zh_digits[u]);
	return 0;
}

/* ---- Arabic, with its vowel marks. The unit comes before the ten, joined
 * by "wa" (and): ثَلَاثَةٌ وَعِشْرُونَ is "three and twenty". */

static const char *const ar_units[20] = {
    "صِفْر",       "وَاحِد",     "اِثْنَان",   "ثَلَاثَة",    "أَرْبَعَة",      "خَمْسَة",     "سِتَّة",
    "سَبْعَة",      "ثَمَانِيَة",   "تِسْعَة",    "عَشَرَة",     "أَحَدَ عَشَرَ",    "اِثْنَا عَشَرَ", "ثَلَاثَةَ عَشَرَ",
    "أَرْبَعَةَ عَشَرَ", "خَمْسَةَ عَشَرَ", "سِتَّةَ عَشَرَ", "سَبْعَةَ عَشَرَ", "ثَمَانِيَةَ عَشَرَ", "تِسْعَةَ عَشَرَ",
};
static const char *const ar_tens[10] = {"",      "",     "عِشْرُون", "ثَلَاثُون", "أَرْبَعُون",
                                        "خَمْسُون", "سِتُّون", "سَبْعُون", "ثَمَانُون", "تِسْعُون"};
static const char *const ar_hundreds[10] = {"",       "مِئَة",   "مِئَتَان",  "ثَلَاثُمِئَة", "أَرْبَعُمِئَة",
                                            "خَمْسُمِئَة", "سِتُّمِئَة", "سَبْعُمِئَة", "ثَمَانِمِئَة", "تِسْعُمِئَة"};

static int ar_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		put(out, ar_hundreds[h]);
		if (rest)
			put(out, " وَ");
	}
	if (rest < 20 && (rest || !h))
		put(out, ar_units[rest]);
	else if (rest >= 20) {
		if (rest % 10)
			buf_printf(out, "%s وَ", ar_units[rest % 10]);
		put(out, ar_tens[rest / 10]);
	}
	return 0;
}

/* ---- Persian (and Dari, read with the Persian voice): parts joined by
 * "o" (و). */

static const char *const fa_units[20] = {
    "صفر", "یک",    "دو",     "سه",    "چهار",   "پنج",    "شش",     "هفت",  "هشت",  "نه",
    "ده",  "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده",
};
static const char *const fa_tens[10] = {"", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"};
static const char *const fa_hundreds[10] = {"",      "صد",   "دویست", "سیصد",  "چهارصد",
                                            "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد"};

/* ---- Kurmanji: the same shape, joined by "û". */

static const char *const ku_units[20] = {
    "sifir", "yek",    "du",       "sê",     "çar",    "pênc",   "şeş",    "heft",   "heşt",   "neh",
    "deh",   "yazdeh", "diwazdeh", "sêzdeh", "çardeh", "pazdeh", "şazdeh", "hivdeh", "hejdeh", "nozdeh",
};
static const char *const ku_tens[10] = {"",      "",     "bîst",  "sî",    "çil",
                                        "pêncî", "şêst", "heftê", "heştê", "nod"};
static const char *const ku_hundreds[10] = {"",        "sed",    "dused",   "sêsed",   "çarsed",
                                            "pêncsed", "şeşsed", "heftsed", "heştsed", "nehsed"};

static void joined_number(const char *const units[20], const char *const tens[10],
                          const char *const hundreds[10], const char *and, unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	const char *sep = "";
	if (n == 0) {
		put(out, units[0]);
		return;
	}
	if (h) {
		put(out, hundreds[h]);
		sep = and;
	}
	if (rest >= 20) {
		buf_printf(out, "%s%s", sep, tens[rest / 10]);
		sep = and;
		rest %= 10;
	}
	if (rest)
		buf_printf(out, "%s%s", sep, units[rest]);
}

static int fa_number(unsigned n, buf *out)
{
	joined_number(fa_units, fa_tens, fa_hundreds, " و ", n, out);
	return 0;
}

static int ku_number(unsigned n, buf *out)
{
	joined_number(ku_units, ku_tens, ku_hundreds, " û ", n, out);
	return 0;
}

/* ---- Tamil: a ten or a hundred takes its joining form before what
 * follows (இருபது, but இருபத்து ஒன்று). */

static const char *const ta_units[20] = {
    "பூஜ்ஜியம்",  "ஒன்று",     "இரண்டு",   "மூன்று",   "நான்கு",    "ஐந்து",     "ஆறு",
    "ஏழு",      "எட்டு",     "ஒன்பது",   "பத்து",    "பதினொன்று", "பன்னிரண்டு", "பதின்மூன்று",
    "பதினான்கு", "பதினைந்து", "பதினாறு", "பதினேழு", "பதினெட்டு", "பத்தொன்பது",
};
static const char *const ta_tens[2][10] = {
    {"", "", "இருபது", "முப்பது", "நாற்பது", "ஐம்பது", "அறுபது", "எழுபது", "எண்பது", "தொண்ணூறு"},
    {"", "", "இருபத்து", "முப்பத்து", "நாற்பத்து", "ஐம்பத்து", "அறுபத்து", "எழுபத்து", "எண்பத்து", "தொண்ணூற்று"},
};
static const char *const ta_hundreds[2][10] = {
    {"", "நூறு", "இருநூறு", "முந்நூறு", "நானூறு", "ஐந்நூறு", "அறுநூறு", "எழுநூறு", "எண்ணூறு", "தொள்ளாயிரம்"},
    {"", "நூற்று", "இருநூற்று", "முந்நூற்று", "நானூற்று", "ஐந்நூற்று", "அறுநூற்று", "எழுநூற்று", "எண்ணூற்று",
     "தொள்ளாயிரத்து"},
};

static int ta_number(unsigned n, buf *out)
{
	unsigned h = n / 100, rest = n % 100;
	if (h) {
		put(out, ta_hundreds[rest != 0][h]);
		if (rest)
			put(out, " ");
	}
	if (rest < 20 && (rest || !h))
		put(out, ta_units[rest]);
	else if (rest >= 20) {
		put(out, ta_tens[rest % 10 != 0][rest / 10]);
		if (rest % 10)
			buf_printf(out, " %s", ta_units[rest % 10]);
	}
	return 0;
}

/* ---- Bengali: Bengali digits, which the voice reads as one number. */

static int bn_number(unsigned n, buf *out)
{
	static const char *const digits[10] = {"০", "১", "২", "৩", "৪", "৫", "৬", "৭", "৮", "৯"};
	char s[8];
	snprintf(s, sizeof(s), "%u", n);
	for (const char *p = s; *p; p++)
		put(out, digits[*p - '0']);
	return 0;
}

/* ---- The names of the Latin letters, A to Z. */

static const char *const fr_letters[26] = {
    "a",    "bé", "cé", "dé", "e",    "effe", "gé", "ache", "i",  "ji",        "ka",  "elle",   "emme",
    "enne", "o",  "pé", "ku", "erre", "esse", "té", "u",    "vé", "double vé", "ixe", "i grec", "zède"};
static const char *const en_letters[26] = {
    "ay", "bee", "see", "dee", "ee", "eff", "jee", "aitch", "eye", "jay",        "kay", "el",  "em",
    "en", "oh",  "pee", "cue", "ar", "ess", "tee", "you",   "vee", "double you", "ex",  "why", "zed"};
static const char *const es_letters[26] = {
    "a",   "be", "ce", "de", "e",    "efe", "ge", "hache", "i",   "jota",      "ka",    "ele",      "eme",
    "ene", "o",  "pe", "cu", "erre", "ese", "te", "u",     "uve", "uve doble", "equis", "i griega", "zeta"};
static const char *const pt_letters[26] = {
    "á",   "bê", "cê", "dê",  "é",    "efe",  "gê", "agá", "i",  "jota",   "capa", "ele",     "eme",
    "ene", "ó",  "pê", "quê", "erre", "esse", "tê", "u",   "vê", "dáblio", "xis",  "ípsilon", "zê"};
static const char *const ro_letters[26] = {"a",  "be", "ce", "de", "e",        "ef",  "ge",     "haș",  "i",
                                           "ji", "ca", "el", "em", "en",       "o",   "pe",     "chiu", "er",
                                           "es", "te", "u",  "ve", "dublu ve", "ics", "i grec", "zet"};
static const char *const tr_letters[26] = {"a",  "be", "ce", "de", "e",       "fe",  "ge", "he", "i",
                                           "je", "ke", "le", "me", "ne",      "o",   "pe", "kû", "re",
                                           "se", "te", "u",  "ve", "çift ve", "iks", "ye", "ze"};
static const char *const sq_letters[26] = {"a",  "be", "ce", "de", "e",         "ef",  "ge",      "he", "i",
                                           "je", "ka", "el", "em", "en",        "o",   "pe",      "ku", "er",
                                           "es", "te", "u",  "ve", "ve dyfish", "iks", "ipsilon", "ze"};
static const char *const ku_letters[26] = {"a",  "be", "ce", "de", "e",  "fe", "ge", "he", "i",
                                           "je", "ke", "le", "me", "ne", "o",  "pe", "qe", "re",
                                           "se", "te", "u",  "ve", "we", "xe", "ye", "ze"};
static const char *const ru_letters[26] = {"а",   "бэ", "цэ",  "дэ", "е",        "эф",  "гэ",    "аш", "и",
                                           "йот", "ка", "эль", "эм", "эн",       "о",   "пэ",    "ку", "эр",
                                           "эс",  "тэ", "у",   "вэ", "дубль-вэ", "икс", "игрек", "зэт"};
static const char *const uk_letters[26] = {"а",   "бе", "це",  "де", "е",        "еф",  "ге",    "аш", "і",
                                           "йот", "ка", "ель", "ем", "ен",       "о",   "пе",    "ку", "ер",
                                           "ес",  "те", "у",   "ве", "дубль-ве", "ікс", "ігрек", "зет"};
static const char *const ar_letters[26] = {"إِيه", "بِي",  "سِي", "دِي", "إِي",    "إِف",  "جِي",  "إِتْش", "آي",
                                           "جِيه", "كِيه", "إِل", "إِم", "إِن",    "أُو",  "پِي",  "كْيُو", "آر",
                                           "إِس",  "تِي",  "يُو", "فِي", "دَبْلْيُو", "إِكْس", "وَاي", "زِد"};
static const char *const fa_letters[26] = {"ای", "بی", "سی", "دی", "ای",    "اف",   "جی",  "اچ",  "آی",
                                           "جی", "کی", "ال", "ام", "ان",    "او",   "پی",  "کیو", "آر",
                                           "اس", "تی", "یو", "وی", "دبلیو", "ایکس", "وای", "زد"};
static const char *const ka_letters[26] = {"ეი",  "ბი",  "სი", "დი", "ი",       "ეფ",  "ჯი",  "ეიჩ", "აი",
                                           "ჯეი", "კეი", "ელ", "ემ", "ენ",      "ო",   "პი",  "ქიუ", "არ",
                                           "ეს",  "ტი",  "იუ", "ვი", "დაბლ-იუ", "ექს", "უაი", "ზედ"};
static const char *const ta_letters[26] = {"ஏ",  "பி", "சி", "டி", "ஈ",      "எஃப்", "ஜி", "எச்",  "ஐ",
                                           "ஜே", "கே", "எல்", "எம்", "என்",     "ஓ",   "பி", "க்யூ", "ஆர்",
                                           "எஸ்", "டி", "யூ", "வி", "டபிள்யூ", "எக்ஸ்", "ஒய்", "இசட்"};
static const char *const bn_letters[26] = {"এ",  "বি", "সি", "ডি", "ই",      "এফ",  "জি",   "এইচ", "আই",
                                           "জে", "কে", "এল", "এম", "এন",     "ও",   "পি",   "কিউ", "আর",
                                           "এস", "টি", "ইউ", "ভি", "ডাবলিউ", "এক্স", "ওয়াই", "জেড"};

/* ---- The table of languages. Chinese has no letter names of its own:
 * the Mandarin voice reads Latin letters by their English names. */

static const struct rules {
	const char *lang;
	number_fn number;
	const char *const *letters; /* 26 names, or NULL for the letter itself */
} rules[] = {
    {"fr", fr_number, fr_letters}, {"en", en_number, en_letters},  {"es", es_number, es_letters},
    {"pt", pt_number, pt_letters}, {"ro", ro_number, ro_letters},  {"tr", tr_number, tr_letters},
    {"ru", ru_number, ru_letters}, {"uk", uk_number, uk_letters},  {"sq", sq_number, sq_letters},
    {"ka", ka_number, ka_letters}, {"zh", zh_number, NULL},        {"ar", ar_number, ar_letters},
    {"fa", fa_number, fa_letters}, {"prs", fa_number, fa_letters}, {"ku", ku_number, ku_letters},
    {"ta", ta_number, ta_letters}, {"bn", bn_number, bn_letters},
};

static const struct rules *rules_of(const char *lang)
{
	for (size_t i = 0; lang && i < COUNT(rules); i++)
		if (strcmp(rules[i].lang, lang) == 0)
			return &rules[i];
	return NULL;
}

int spoken_has_rules(const char *lang)
{
	return rules_of(lang) != NULL;
}

int spoken_number(const char *lang, unsigned n, buf *out)
{
	const struct rules *r = rules_of(lang);
	if (r && n <= SPOKEN_NUMBER_MAX)
		r->number(n, out);
	else
		buf_printf(out, "%u", n);
	return out->overflow ? -1 : 0;
}

const char *spoken_letter(const char *lang, char c)
{
	static const char *const self[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
	                                     "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
	int i = c >= 'A' && c <= 'Z' ? c - 'A' : c >= 'a' && c <= 'z' ? c - 'a' : -1;
	if (i < 0)
		return NULL;
	const struct rules *r = rules_of(lang);
	return r && r->letters ? r->letters[i] : self[i];
}

/* Appends a run of digits: a number up to SPOKEN_NUMBER_MAX (leading zeros
 * dropped), else digit by digit. */
static void digits_run(const char *lang, const char *s, size_t n, buf *out)
{
	while (n > 1 && *s == '0') {
		s++;
		n--;
	}
	if (n <= 3) {
		unsigned v = 0;
		for (size_t i = 0; i < n; i++)
			v = v * 10 + (unsigned)(s[i] - '0');
		spoken_number(lang, v, out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ' ');
		spoken_number(lang, (unsigned)(s[i] - '0'), out);
	}
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int spoken_label(const char *lang, const char *label, buf *out)
{
	int first = 1;
	for (const char *p = label ? label : ""; *p;) {
		if (is_digit(*p)) {
			size_t n = strspn(p, "0123456789");
			if (!first)
				buf_putc(out, ' ');
			digits_run(lang, p, n, out);
			p += n;
			first = 0;
		} else if (spoken_letter(lang, *p)) {
			if (!first)
				buf_putc(out, ' ');
			buf_puts(out, spoken_letter(lang, *p));
			p++;
			first = 0;
		} else {
			p++;
		}
	}
	return out->overflow ? -1 : 0;
}

int spoken_numbers_in_text(const char *lang, const char *text, buf *out)
{
	for (const char *p = text ? text : ""; *p;) {
		if (is_digit(*p)) {
			size_t n = strspn(p, "0123456789");
			digits_run(lang, p, n, out);
			p += n;
		} else {
			buf_putc(out, *p++);
		}
	}
	return out->overflow ? -1 : 0;
}
