/* fuzz_speech_text.c: what reaches espeak-ng: the cleaning of a text (any
 * bytes, NULs included), the correction of a WAV header, and the Range
 * header of the audio answers. */
#include <stdlib.h>
#include <string.h>

#include "http/http.h"
#include "util/speech.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char out[SPEECH_TEXT_MAX_BYTES + 1];
	size_t n = speech_clean_text((const char *)data, size, out, sizeof(out));
	if (n > SPEECH_TEXT_MAX_BYTES || strlen(out) != n || !utf8_valid(out, n) || text_has_controls(out) ||
	    strpbrk(out, "<>&") || (n && (out[0] == ' ' || out[n - 1] == ' ')))
		__builtin_trap();

	unsigned char *wav = malloc(size ? size : 1);
	memcpy(wav, data, size);
	if (speech_wav_fix_sizes(wav, size) == 0) {
		uint32_t riff = (uint32_t)wav[4] | (uint32_t)wav[5] << 8 | (uint32_t)wav[6] << 16 |
		                (uint32_t)wav[7] << 24;
		if (riff != size - 8)
			__builtin_trap();
	}
	free(wav);

	char *h = malloc(size + 1);
	memcpy(h, data, size);
	h[size] = '\0';
	size_t first = 0, last = 0, len = size % 1000;
	if (http_parse_range(h, len, &first, &last) == 1 && (first > last || last >= len))
		__builtin_trap();
	free(h);
	return 0;
}
