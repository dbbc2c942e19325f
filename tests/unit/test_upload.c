/*
 * test_upload.c - unit tests of upload_sniff() (shared/upload.c): rule R1
 * accepts PDF only (header "%PDF-", "%%EOF" in the last KiB) and refuses
 * PDF/HTML polyglots; the PNG and JPEG checks are there for the
 * application attachments (A3).
 */
#include <string.h>

#include "check.h"
#include "upload.h"

/* Sniffs a whole in-memory file as upload.c sees it while streaming. */
static enum upload_verdict
sniff(enum upload_type type, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t nh = n < UPLOAD_HEAD_SCAN ? n : UPLOAD_HEAD_SCAN;
	size_t nt = n < UPLOAD_TAIL_SCAN ? n : UPLOAD_TAIL_SCAN;

	return upload_sniff(type, p, nh, p + n - nt, nt, (int64_t)n);
}

#define PDF_OK "%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"

TEST(test_R1_pdf_header_and_trailer_accepted)
{
	CHECK_EQ(sniff(UPLOAD_PDF, PDF_OK, strlen(PDF_OK)), UPLOAD_OK);
}

TEST(test_R1_not_a_pdf_refused)
{
	static const char gif[] = "GIF89a\1\0\1\0%%EOF";
	static const char late[] = " %PDF-1.4\n%%EOF\n";

	CHECK_EQ(sniff(UPLOAD_PDF, gif, sizeof(gif) - 1), UPLOAD_BAD_TYPE);
	/* the header must be the very first bytes */
	CHECK_EQ(sniff(UPLOAD_PDF, late, sizeof(late) - 1), UPLOAD_BAD_TYPE);
	/* "%PDF-" needs its version digit */
	CHECK_EQ(sniff(UPLOAD_PDF, "%PDF-x\n%%EOF", 12), UPLOAD_BAD_TYPE);
	CHECK_EQ(sniff(UPLOAD_PDF, "", 0), UPLOAD_BAD_TYPE);
}

TEST(test_R1_pdf_without_trailer_in_last_kib_refused)
{
	static char doc[4096];

	memset(doc, ' ', sizeof(doc));
	memcpy(doc, "%PDF-1.4\n%%EOF\n", 15);	/* far from the end */
	CHECK_EQ(sniff(UPLOAD_PDF, doc, sizeof(doc)), UPLOAD_BAD_TYPE);
	/* just inside the last KiB */
	memcpy(doc + sizeof(doc) - UPLOAD_TAIL_SCAN, "%%EOF", 5);
	CHECK_EQ(sniff(UPLOAD_PDF, doc, sizeof(doc)), UPLOAD_OK);
}

TEST(test_R1_pdf_html_polyglot_refused)
{
	static const char *const bad[] = {
		"%PDF-1.4\n<html><body>x</body></html>\n%%EOF\n",
		"%PDF-1.4\n<SCRIPT>alert(1)</SCRIPT>\n%%EOF\n",
		"%PDF-1.4\n<!DocType html>\n%%EOF\n",
		"%PDF-1.4\n<svg onload=alert(1)>\n%%EOF\n",
		"%PDF-1.4\n<iframe src=x>\n%%EOF\n",
		"%PDF-1.4\n<HEAD>\n%%EOF\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(sniff(UPLOAD_PDF, bad[i], strlen(bad[i])),
		    UPLOAD_MARKUP);
	/* PDF dictionaries and hex strings are not markup */
	static const char dict[] = "%PDF-1.4\n<</A<48656c>>>\n%%EOF";

	CHECK_EQ(sniff(UPLOAD_PDF, dict, sizeof(dict) - 1), UPLOAD_OK);
}

TEST(test_R1_markup_scanned_in_the_first_8_kib)
{
	static char doc[UPLOAD_HEAD_SCAN + 64];

	memset(doc, ' ', sizeof(doc));
	memcpy(doc, "%PDF-1.4\n", 9);
	memcpy(doc + sizeof(doc) - 6, "%%EOF\n", 6);
	memcpy(doc + UPLOAD_HEAD_SCAN - 6, "<html>", 6);	/* inside */
	CHECK_EQ(sniff(UPLOAD_PDF, doc, sizeof(doc)), UPLOAD_MARKUP);
	/* cut at the edge of the scanned head: not seen as a whole */
	memset(doc + UPLOAD_HEAD_SCAN - 6, ' ', 6);
	memcpy(doc + UPLOAD_HEAD_SCAN - 3, "<html>", 6);
	CHECK_EQ(sniff(UPLOAD_PDF, doc, sizeof(doc)), UPLOAD_OK);
}

TEST(test_A3_png_and_jpeg_signatures)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60,
	    0x82 };
	static const unsigned char jpg[] = { 0xff, 0xd8, 0xff, 0xe0, 1, 2, 3,
	    0xff, 0xd9 };

	CHECK_EQ(sniff(UPLOAD_PNG, png, sizeof(png)), UPLOAD_OK);
	CHECK_EQ(sniff(UPLOAD_PNG, png, sizeof(png) - 1), UPLOAD_BAD_TYPE);
	CHECK_EQ(sniff(UPLOAD_JPEG, jpg, sizeof(jpg)), UPLOAD_OK);
	CHECK_EQ(sniff(UPLOAD_JPEG, jpg, sizeof(jpg) - 1), UPLOAD_BAD_TYPE);
	/* a PDF is not a PNG, a PNG is not a PDF */
	CHECK_EQ(sniff(UPLOAD_PNG, PDF_OK, strlen(PDF_OK)), UPLOAD_BAD_TYPE);
	CHECK_EQ(sniff(UPLOAD_PDF, png, sizeof(png)), UPLOAD_BAD_TYPE);
	CHECK_STR(upload_content_type(UPLOAD_PDF), "application/pdf");
	CHECK_STR(upload_content_type(UPLOAD_JPEG), "image/jpeg");
}

int
main(void)
{
	RUN(test_R1_pdf_header_and_trailer_accepted);
	RUN(test_R1_not_a_pdf_refused);
	RUN(test_R1_pdf_without_trailer_in_last_kib_refused);
	RUN(test_R1_pdf_html_polyglot_refused);
	RUN(test_R1_markup_scanned_in_the_first_8_kib);
	RUN(test_A3_png_and_jpeg_signatures);
	return check_done();
}
