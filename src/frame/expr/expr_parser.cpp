// A Pratt parser for the expression language (see expression.h). Nesting is capped so hostile
// input cannot exhaust the stack.
#include <charconv>

#include "frame/expr/expr_ast.h"

namespace onnxfn::expr {
namespace {

constexpr int kMaxDepth = 64;
constexpr size_t kMaxLength = 64 * 1024;

struct Token {
  enum class Kind { End, Number, String, Identifier, Operator, LParen, RParen, Comma };
  Kind kind = Kind::End;
  std::string text;
  size_t position = 0;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { advance(); }

  std::unique_ptr<ExprNode> parse_all() {
    auto node = parse(0, 0);
    if (tok_.kind != Token::Kind::End) fail(tok_.position, "unexpected '" + tok_.text + "'");
    return node;
  }

 private:
  [[noreturn]] void fail(size_t pos, const std::string& problem) const { expr_error(std::string(text_), pos, problem); }

  void advance() {
    size_t i = pos_;
    while (i < text_.size() && std::isspace(static_cast<unsigned char>(text_[i]))) ++i;
    tok_ = Token{};
    tok_.position = i;
    if (i >= text_.size()) {
      pos_ = i;
      return;
    }
    char c = text_[i];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i + 1])))) {
      size_t j = i;
      while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '.' ||
                                  ((text_[j] == '+' || text_[j] == '-') && (text_[j - 1] == 'e' || text_[j - 1] == 'E'))))
        ++j;
      tok_.kind = Token::Kind::Number;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
    } else if (c == '\'' || c == '"') {
      std::string s;
      size_t j = i + 1;
      for (;; ++j) {
        if (j >= text_.size()) fail(i, "string literal is never closed");
        if (text_[j] == c) {
          if (j + 1 < text_.size() && text_[j + 1] == c) {  // doubled quote = literal quote
            s += c;
            ++j;
            continue;
          }
          break;
        }
        s += text_[j];
      }
      tok_.kind = Token::Kind::String;
      tok_.text = std::move(s);
      pos_ = j + 1;
    } else if (c == '`') {
      size_t end = text_.find('`', i + 1);
      if (end == std::string_view::npos) fail(i, "quoted column name is never closed");
      tok_.kind = Token::Kind::Identifier;
      tok_.text = std::string(text_.substr(i + 1, end - i - 1));
      tok_.position = i;
      quoted_identifier_ = true;
      pos_ = end + 1;
      return;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_')) ++j;
      tok_.kind = Token::Kind::Identifier;
      tok_.text = std::string(text_.substr(i, j - i));
      pos_ = j;
    } else if (c == '(' || c == ')' || c == ',') {
      tok_.kind = c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen : Token::Kind::Comma;
      tok_.text = std::string(1, c);
      pos_ = i + 1;
    } else {
      static constexpr std::string_view two[] = {"==", "!=", "<=", ">=", "<>"};
      for (std::string_view op : two)
        if (text_.substr(i, 2) == op) {
          tok_.kind = Token::Kind::Operator;
          tok_.text = op == "<>" ? "!=" : std::string(op);
          pos_ = i + 2;
          quoted_identifier_ = false;
          return;
        }
      if (std::string_view("+-*/%<>=").find(c) == std::string_view::npos) fail(i, std::string("unexpected character '") + c + "'");
      tok_.kind = Token::Kind::Operator;
      tok_.text = c == '=' ? "==" : std::string(1, c);
      pos_ = i + 1;
    }
    quoted_identifier_ = false;
  }

  // Binding power of a binary operator token (0: not one).
  int binary_power(const Token& t) const {
    if (t.kind == Token::Kind::Identifier && !quoted_identifier_) {
      if (t.text == "or") return 1;
      if (t.text == "and") return 2;
      return 0;
    }
    if (t.kind != Token::Kind::Operator) return 0;
    if (t.text == "==" || t.text == "!=" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">=") return 4;
    if (t.text == "+" || t.text == "-") return 5;
    if (t.text == "*" || t.text == "/" || t.text == "%") return 6;
    return 0;
  }

  std::unique_ptr<ExprNode> parse(int min_power, int depth) {
    if (depth > kMaxDepth) fail(tok_.position, "expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
    auto left = parse_prefix(depth);
    for (;;) {
      int power = binary_power(tok_);
      if (power == 0 || power <= min_power) return left;
      auto node = std::make_unique<ExprNode>();
      node->kind = ExprNode::Kind::Binary;
      node->name = tok_.text;
      node->position = tok_.position;
      advance();
      // Comparisons do not chain (a < b < c is an error, as in SQL).
      auto right = parse(power == 4 ? power : power, depth + 1);
      if (power == 4 && binary_power(tok_) == 4) fail(tok_.position, "comparisons cannot be chained; use 'and'");
      node->args.push_back(std::move(left));
      node->args.push_back(std::move(right));
      left = std::move(node);
    }
  }

  std::unique_ptr<ExprNode> parse_prefix(int depth) {
    auto node = std::make_unique<ExprNode>();
    node->position = tok_.position;
    switch (tok_.kind) {
      case Token::Kind::End: fail(tok_.position, "expression ends too early");
      case Token::Kind::Number: {
        const std::string& t = tok_.text;
        int64_t i = 0;
        auto r = std::from_chars(t.data(), t.data() + t.size(), i);
        if (r.ec == std::errc() && r.ptr == t.data() + t.size()) {
          node->literal = i;
        } else {
          double d = 0;
          auto rd = std::from_chars(t.data(), t.data() + t.size(), d);
          if (rd.ec != std::errc() || rd.ptr != t.data() + t.size()) fail(tok_.position, "invalid number '" + t + "'");
          node->literal = d;
        }
        advance();
        return node;
      }
      case Token::Kind::String:
        node->literal = tok_.text;
        advance();
        return node;
      case Token::Kind::LParen: {
        advance();
        auto inner = parse(0, depth + 1);
        if (tok_.kind != Token::Kind::RParen) fail(tok_.position, "expected ')'");
        advance();
        return inner;
      }
      case Token::Kind::Operator:
        if (tok_.text == "-" || tok_.text == "+") {
          node->kind = ExprNode::Kind::Unary;
          node->name = tok_.text;
          advance();
          node->args.push_back(parse(6, depth + 1));
          return node;
        }
        fail(tok_.position, "unexpected '" + tok_.text + "'");
      case Token::Kind::Identifier: {
        std::string name = tok_.text;
        bool quoted = quoted_identifier_;
        advance();
        if (!quoted) {
          if (name == "true" || name == "false") {
            node->literal = name == "true";
            return node;
          }
          if (name == "null") return node;
          if (name == "not") {
            node->kind = ExprNode::Kind::Unary;
            node->name = "not";
            node->args.push_back(parse(3, depth + 1));
            return node;
          }
          if (tok_.kind == Token::Kind::LParen) {
            node->kind = ExprNode::Kind::Call;
            node->name = name;
            advance();
            if (tok_.kind != Token::Kind::RParen) {
              for (;;) {
                node->args.push_back(parse(0, depth + 1));
                if (tok_.kind == Token::Kind::Comma) {
                  advance();
                  continue;
                }
                break;
              }
            }
            if (tok_.kind != Token::Kind::RParen) fail(tok_.position, "expected ',' or ')' in the call to " + name);
            advance();
            return node;
          }
        }
        node->kind = ExprNode::Kind::Column;
        node->name = name;
        return node;
      }
      default: fail(tok_.position, "unexpected '" + tok_.text + "'");
    }
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_;
  bool quoted_identifier_ = false;
};

}  // namespace

void expr_error(const std::string& expression, size_t position, const std::string& problem) {
  throw_error(ErrorKind::BadInput, "expression '" + expression + "' at position " + std::to_string(position + 1) + ": " + problem);
}

Expression Expression::parse(std::string_view text) {
  if (text.size() > kMaxLength) throw_error(ErrorKind::BadInput, "expression longer than " + std::to_string(kMaxLength) + " characters");
  Parser p(text);
  return Expression(std::string(text), p.parse_all());
}

}  // namespace onnxfn::expr
