// The S3 XML documents: ListObjectsV2 pages, error bodies, multipart ids and the completion body.
#include <gtest/gtest.h>

#include "common/error.h"
#include "storage/s3_xml.h"

namespace onnxfn::storage {
namespace {

TEST(S3Xml, ParsesAListObjectsV2Page) {
  const std::string doc =
      R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><KeyCount>2</KeyCount>
<MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated>
<Contents><Key>p/a&amp;b &lt;1&gt;</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size><StorageClass>STANDARD</StorageClass></Contents>
<Contents><Key>p/caf&#xE9;</Key><ETag>"def"</ETag><Size>18446744073709551615</Size></Contents>
<NextContinuationToken>tok+/=</NextContinuationToken></ListBucketResult>)";
  const ListObjectsPage page = parse_list_objects_v2(doc);
  ASSERT_EQ(page.objects.size(), 2u);
  EXPECT_EQ(page.objects[0].key, "p/a&b <1>");
  EXPECT_EQ(page.objects[0].size, 12u);
  EXPECT_EQ(page.objects[0].etag, "\"abc\"");
  EXPECT_EQ(page.objects[0].last_modified, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(page.objects[1].key, "p/caf\xC3\xA9");
  EXPECT_EQ(page.objects[1].size, 18446744073709551615ull);
  EXPECT_TRUE(page.truncated);
  EXPECT_EQ(page.next_continuation_token, "tok+/=");
}

TEST(S3Xml, EmptyListingAndCommonPrefixes) {
  const ListObjectsPage page = parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>"
      "<CommonPrefixes><Prefix>b/</Prefix></CommonPrefixes><KeyCount>0</KeyCount></ListBucketResult>");
  EXPECT_TRUE(page.objects.empty());
  EXPECT_EQ(page.common_prefixes, (std::vector<std::string>{"a/", "b/"}));
  EXPECT_FALSE(page.truncated);
}

TEST(S3Xml, RejectsBrokenListings) {
  EXPECT_THROW(parse_list_objects_v2("<html>gateway error</html>"), Error);
  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><Contents><Key>a</Key>"), Error);
  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
               Error);
  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><Contents><Key>a</Key><Size>-1</Size></Contents>"
                                     "</ListBucketResult>"),
               Error);
  EXPECT_THROW(parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"), Error);
}

TEST(S3Xml, ParsesErrorBodies) {
  const S3ErrorBody e = parse_error_body(
      "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
      "<Key>a/b.csv</Key><RequestId>1</RequestId></Error>");
  EXPECT_EQ(e.code, "NoSuchKey");
  EXPECT_EQ(e.message, "The specified key does not exist.");
  EXPECT_EQ(e.resource, "a/b.csv");
  EXPECT_EQ(parse_error_body("<html>502 Bad Gateway</html>").code, "");
  EXPECT_EQ(parse_error_body("").code, "");
}

TEST(S3Xml, ElementScannerHandlesEmptyPrefixedAndUnterminatedTags) {
  EXPECT_EQ(xml_elements("<A/><A>x</A><AB>no</AB><A attr=\"1\">y</A><A>", "A"),
            (std::vector<std::string>{"", "x", "y"}));
  EXPECT_EQ(xml_unescape("&amp;&lt;&#65;&#x42;&bogus;&#xD800;&"), "&<AB&bogus;&#xD800;&");
  EXPECT_EQ(xml_escape("a<&>\"'"), "a&lt;&amp;&gt;&quot;&apos;");
}

TEST(S3Xml, MultipartDocuments) {
  EXPECT_EQ(parse_upload_id("<InitiateMultipartUploadResult><Bucket>b</Bucket><UploadId>u-1</UploadId>"
                            "</InitiateMultipartUploadResult>"),
            "u-1");
  EXPECT_THROW(parse_upload_id("<InitiateMultipartUploadResult/>"), Error);
  EXPECT_EQ(complete_multipart_body({{1, "\"e1\""}, {2, "\"e2\""}}),
            "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&quot;e1&quot;</ETag></Part>"
            "<Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>");
}

}  // namespace
}  // namespace onnxfn::storage
