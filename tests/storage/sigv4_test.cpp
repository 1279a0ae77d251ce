// SigV4 against AWS's published S3 signing examples ("Examples of the complete Version 4 signing
// process": examplebucket, 2013-05-24, the documentation's example key pair).
#include <gtest/gtest.h>

#include "storage/sigv4.h"

namespace onnxfn::storage {
namespace {

const Credentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
constexpr const char* kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

Signature sign(SigningRequest& request) {
  return sign_request(request, kExampleCredentials, "us-east-1", "s3", "20130524T000000Z");
}

TEST(SigV4, GetObjectWithRangeMatchesAwsExample) {
  SigningRequest request{"GET", "/test.txt", {}, {{"Host", kHost}, {"Range", "bytes=0-9"}}, kEmptyHash};
  const Signature s = sign(request);
  EXPECT_EQ(sha256_hex(s.canonical_request), "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(s.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(request.headers.back().first, "authorization");
}

TEST(SigV4, PutObjectWithEncodedKeyMatchesAwsExample) {
  const std::string body = "Welcome to Amazon S3.";
  EXPECT_EQ(sha256_hex(body), "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SigningRequest request{"PUT", uri_encode("/test$file.text", false), {},
                         {{"Host", kHost},
                          {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                          {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                         sha256_hex(body)};
  EXPECT_EQ(request.canonical_uri, "/test%24file.text");
  const Signature s = sign(request);
  EXPECT_EQ(sha256_hex(s.canonical_request), "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_EQ(s.signature, "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST(SigV4, GetBucketLifecycleSignsAValuelessQueryParameter) {
  SigningRequest request{"GET", "/", {{"lifecycle", ""}}, {{"Host", kHost}}, kEmptyHash};
  const Signature s = sign(request);
  EXPECT_NE(s.canonical_request.find("\nlifecycle=\n"), std::string::npos);
  EXPECT_EQ(s.signature, "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, ListObjectsSortsQueryParameters) {
  // Given out of order on purpose: the canonical query sorts them.
  SigningRequest request{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {{"Host", kHost}}, kEmptyHash};
  const Signature s = sign(request);
  EXPECT_NE(s.canonical_request.find("\nmax-keys=2&prefix=J\n"), std::string::npos);
  EXPECT_EQ(s.signature, "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  Credentials temporary = kExampleCredentials;
  temporary.session_token = "token/with+chars=";
  SigningRequest request{"GET", "/test.txt", {}, {{"host", kHost}}, std::string(kUnsignedPayload)};
  const Signature s = sign_request(request, temporary, "us-east-1", "s3", "20130524T000000Z");
  EXPECT_NE(s.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  EXPECT_NE(s.canonical_request.find("x-amz-security-token:token/with+chars=\n"), std::string::npos);
  EXPECT_NE(s.canonical_request.find("x-amz-content-sha256:UNSIGNED-PAYLOAD\n"), std::string::npos);
  // A different token changes the signature.
  temporary.session_token = "other";
  SigningRequest again{"GET", "/test.txt", {}, {{"host", kHost}}, std::string(kUnsignedPayload)};
  EXPECT_NE(sign_request(again, temporary, "us-east-1", "s3", "20130524T000000Z").signature, s.signature);
}

TEST(SigV4, UriEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(uri_encode("a-b_c.d~e/f g+h=i&é", false), "a-b_c.d~e/f%20g%2Bh%3Di%26%C3%A9");
  EXPECT_EQ(uri_encode("a/b", true), "a%2Fb");
  EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "x y"}, {"a", "1"}}), "a=1&a=x%20y&b=2");
}

TEST(SigV4, AmzDateFormatsUtc) {
  EXPECT_EQ(amz_date(0), "19700101T000000Z");
  EXPECT_EQ(amz_date(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace onnxfn::storage
