/**
 * GraphQL query and schema parsers following gqlparser's parser (internal/gqlparser/parser/{parser,
 * query,schema}.go): the same grammar decisions, the same first-error-wins messages, and documents
 * shaped like gqlparser's ast structs as Go's encoding/json emits them (field names, ValueKind numbers,
 * nil as null) — OPA prunes nulls and empties afterwards.
 */
import { GraphQLSyntaxError, kindText, Lexer, tokenText, type Kind, type Token } from "./lexer.ts";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

/** gqlparser ast.ValueKind constants. */
export const VALUE_KIND = {
  Variable: 0,
  Int: 1,
  Float: 2,
  String: 3,
  Block: 4,
  Boolean: 5,
  Null: 6,
  Enum: 7,
  List: 8,
  Object: 9,
} as const;

/** Guards pathological nesting (deep lists/objects/selection sets) from exhausting the stack. */
const MAX_DEPTH = 500;

class Parser {
  readonly #lexer: Lexer;
  #peeked: { token: Token; error: GraphQLSyntaxError | undefined } | undefined;
  prev: Token = { kind: "EOF", value: "", line: 1, column: 1 };
  #depth = 0;

  constructor(src: string) {
    this.#lexer = new Lexer(src);
  }

  peek(): Token {
    if (!this.#peeked) this.#peeked = this.#lexer.next();
    return this.#peeked.token;
  }

  next(): Token {
    const t = this.#peeked ?? this.#lexer.next();
    this.#peeked = undefined;
    // A lexical error surfaces when its token is consumed (gqlparser stores it as peekError until then).
    if (t.error) throw t.error;
    this.prev = t.token;
    return t.token;
  }

  error(tok: Token, message: string): never {
    throw new GraphQLSyntaxError(message, tok.line, tok.column);
  }

  unexpected(tok: Token = this.peek()): never {
    this.error(tok, `Unexpected ${tokenText(tok)}`);
  }

  expect(kind: Kind): Token {
    const tok = this.peek();
    if (tok.kind === kind) return this.next();
    this.error(tok, `Expected ${kindText(kind)}, found ${kindText(tok.kind)}`);
  }

  expectKeyword(value: string): Token {
    const tok = this.peek();
    if (tok.kind === "Name" && tok.value === value) return this.next();
    this.error(tok, `Expected ${JSON.stringify(value)}, found ${tokenText(tok)}`);
  }

  skip(kind: Kind): boolean {
    if (this.peek().kind !== kind) return false;
    this.next();
    return true;
  }

  /** Zero or more items between start and end (only if start is present). */
  many<T>(start: Kind, end: Kind, item: () => T): T[] {
    const out: T[] = [];
    if (!this.skip(start)) return out;
    // Items consume at least one token or fail, so EOF ends in the item's own error (as gqlparser).
    while (this.peek().kind !== end) out.push(item());
    this.next();
    return out;
  }

  /** One or more items between start and end (only if start is present). */
  some<T>(start: Kind, end: Kind, item: () => T): T[] {
    const out: T[] = [];
    if (!this.skip(start)) return out;
    while (this.peek().kind !== end) out.push(item());
    if (out.length === 0)
      this.error(this.peek(), `expected at least one definition, found ${kindText(this.peek().kind)}`);
    this.next();
    return out;
  }

  nested<T>(f: () => T): T {
    if (++this.#depth > MAX_DEPTH) this.error(this.peek(), "document nesting too deep");
    try {
      return f();
    } finally {
      this.#depth--;
    }
  }

  name(): string {
    return this.expect("Name").value;
  }

  /** The position of the next token, as gqlparser's peekPos (dropped from OPA's output by prune). */
  pos(): Obj {
    const t = this.peek();
    return { Line: t.line, Column: t.column };
  }

  // ------------------------------------------------------------------ shared

  value(isConst: boolean): Obj {
    return this.nested(() => {
      const tok = this.peek();
      const position = this.pos();
      const v = (raw: string, kind: number, children: Json = null): Obj => ({
        Position: position,
        Raw: raw,
        Children: children,
        Kind: kind,
        Definition: null,
        VariableDefinition: null,
        ExpectedType: null,
        ExpectedTypeHasDefault: false,
      });
      switch (tok.kind) {
        case "[":
          return v(
            "",
            VALUE_KIND.List,
            this.many("[", "]", () => ({ Name: "", Value: this.value(isConst) })),
          );
        case "{":
          return v(
            "",
            VALUE_KIND.Object,
            this.many("{", "}", () => {
              // Object fields carry their own position (gqlparser parseObjectField); list items do not.
              const at = this.pos();
              const name = this.name();
              this.expect(":");
              return { Name: name, Value: this.value(isConst), Position: at };
            }),
          );
        case "$":
          if (isConst) this.unexpected();
          return v(this.variable(), VALUE_KIND.Variable);
        case "Int":
        case "Float":
        case "String":
        case "BlockString":
        case "Name": {
          this.next();
          const kind =
            tok.kind === "Int"
              ? VALUE_KIND.Int
              : tok.kind === "Float"
                ? VALUE_KIND.Float
                : tok.kind === "String"
                  ? VALUE_KIND.String
                  : tok.kind === "BlockString"
                    ? VALUE_KIND.Block
                    : tok.value === "true" || tok.value === "false"
                      ? VALUE_KIND.Boolean
                      : tok.value === "null"
                        ? VALUE_KIND.Null
                        : VALUE_KIND.Enum;
          return v(tok.value, kind);
        }
        default:
          this.unexpected();
      }
    });
  }

  variable(): string {
    this.expect("$");
    return this.name();
  }

  arguments(isConst: boolean): Obj[] {
    return this.many("(", ")", () => {
      const position = this.pos();
      const name = this.name();
      this.expect(":");
      return { Position: position, Name: name, Value: this.value(isConst) };
    });
  }

  directives(isConst: boolean): Obj[] {
    const out: Obj[] = [];
    while (this.peek().kind === "@") {
      this.expect("@");
      out.push({
        Position: this.pos(),
        Name: this.name(),
        Arguments: this.arguments(isConst),
        ParentDefinition: null,
        Definition: null,
        Location: "",
      });
    }
    return out;
  }

  typeReference(): Obj {
    return this.nested(() => {
      let t: Obj;
      // gqlparser positions a list type after its "[" (parseTypeReference).
      if (this.skip("[")) {
        const position = this.pos();
        t = { NamedType: "", Elem: this.typeReference(), NonNull: false, Position: position };
        this.expect("]");
      } else {
        const position = this.pos();
        t = { NamedType: this.name(), Elem: null, NonNull: false, Position: position };
      }
      if (this.skip("!")) t.NonNull = true;
      return t;
    });
  }

  // ------------------------------------------------------------------ queries

  queryDocument(): Obj {
    const operations: Obj[] = [];
    const fragments: Obj[] = [];
    while (this.peek().kind !== "EOF") {
      const tok = this.peek();
      if (tok.kind === "Name") {
        if (tok.value === "query" || tok.value === "mutation" || tok.value === "subscription")
          operations.push(this.operation());
        else if (tok.value === "fragment") fragments.push(this.fragmentDefinition());
        else this.unexpected();
      } else if (tok.kind === "{") operations.push(this.operation());
      else this.unexpected();
    }
    return { Operations: operations, Fragments: fragments };
  }

  operation(): Obj {
    if (this.peek().kind === "{") {
      return {
        Position: this.pos(),
        Operation: "query",
        Name: "",
        VariableDefinitions: null,
        Directives: null,
        SelectionSet: this.requiredSelectionSet(),
      };
    }
    const position = this.pos();
    const operation = this.operationType();
    const name = this.peek().kind === "Name" ? this.next().value : "";
    return {
      Position: position,
      Operation: operation,
      Name: name,
      VariableDefinitions: this.variableDefinitions(),
      Directives: this.directives(false),
      SelectionSet: this.requiredSelectionSet(),
    };
  }

  operationType(): string {
    const tok = this.next();
    if (tok.value === "query" || tok.value === "mutation" || tok.value === "subscription") return tok.value;
    this.unexpected(tok);
  }

  variableDefinitions(): Obj[] {
    return this.many("(", ")", () => {
      const position = this.pos();
      const variable = this.variable();
      this.expect(":");
      const type = this.typeReference();
      const defaultValue = this.skip("=") ? this.value(true) : null;
      return {
        Position: position,
        Variable: variable,
        Type: type,
        DefaultValue: defaultValue,
        Directives: this.directives(false),
        Definition: null,
        Used: false,
      };
    });
  }

  requiredSelectionSet(): Obj[] {
    if (this.peek().kind !== "{") this.error(this.peek(), `Expected {, found ${kindText(this.peek().kind)}`);
    return this.nested(() => this.some("{", "}", () => this.selection()));
  }

  selection(): Obj {
    if (this.peek().kind === "...") return this.fragment();
    const position = this.pos();
    const alias = this.name();
    const name = this.skip(":") ? this.name() : alias;
    const field: Obj = {
      Position: position,
      Alias: alias,
      Name: name,
      Arguments: this.arguments(false),
      Directives: this.directives(false),
      SelectionSet: null,
      Definition: null,
      ObjectDefinition: null,
    };
    if (this.peek().kind === "{")
      field.SelectionSet = this.nested(() => this.some("{", "}", () => this.selection()));
    return field;
  }

  fragment(): Obj {
    this.expect("...");
    const peek = this.peek();
    if (peek.kind === "Name" && peek.value !== "on") {
      return {
        Position: this.pos(),
        Name: this.fragmentName(),
        Directives: this.directives(false),
        ObjectDefinition: null,
        Definition: null,
      };
    }
    const position = this.pos();
    let typeCondition = "";
    if (this.peek().value === "on") {
      this.next();
      typeCondition = this.name();
    }
    return {
      Position: position,
      TypeCondition: typeCondition,
      Directives: this.directives(false),
      SelectionSet: this.requiredSelectionSet(),
      ObjectDefinition: null,
    };
  }

  fragmentDefinition(): Obj {
    const position = this.pos();
    this.expectKeyword("fragment");
    const name = this.fragmentName();
    const variableDefinition = this.variableDefinitions();
    this.expectKeyword("on");
    return {
      Position: position,
      Name: name,
      VariableDefinition: variableDefinition,
      TypeCondition: this.name(),
      Directives: this.directives(false),
      SelectionSet: this.requiredSelectionSet(),
      Definition: null,
    };
  }

  fragmentName(): string {
    if (this.peek().value === "on") this.unexpected();
    return this.name();
  }

  // ------------------------------------------------------------------ schemas

  schemaDocument(): Obj {
    const doc: Obj & {
      Schema: Obj[];
      SchemaExtension: Obj[];
      Directives: Obj[];
      Definitions: Obj[];
      Extensions: Obj[];
    } = {
      Schema: [],
      SchemaExtension: [],
      Directives: [],
      Definitions: [],
      Extensions: [],
    };
    while (this.peek().kind !== "EOF") {
      let description = "";
      if (this.peek().kind === "BlockString" || this.peek().kind === "String")
        description = this.next().value;
      if (this.peek().kind !== "Name") this.unexpected();
      switch (this.peek().value) {
        case "scalar":
        case "type":
        case "interface":
        case "union":
        case "enum":
        case "input":
          doc.Definitions.push(this.typeDefinition(description, false));
          break;
        case "schema":
          doc.Schema.push(this.schemaDefinition(description, false));
          break;
        case "directive":
          doc.Directives.push(this.directiveDefinition(description));
          break;
        case "extend":
          if (description !== "") this.unexpected(this.prev);
          this.expectKeyword("extend");
          if (this.peek().value === "schema") doc.SchemaExtension.push(this.schemaDefinition("", true));
          else if (["scalar", "type", "interface", "union", "enum", "input"].includes(this.peek().value)) {
            doc.Extensions.push(this.typeDefinition("", true));
          } else this.unexpected();
          break;
        default:
          this.unexpected();
      }
    }
    return doc;
  }

  description(): string {
    const k = this.peek().kind;
    return k === "BlockString" || k === "String" ? this.next().value : "";
  }

  schemaDefinition(description: string, extension: boolean): Obj {
    this.expectKeyword("schema");
    const position = this.pos();
    const directives = this.directives(true);
    const operationTypes = this.some("{", "}", () => {
      const at = this.pos();
      const operation = this.operationType();
      this.expect(":");
      return { Position: at, Operation: operation, Type: this.name() };
    });
    if (extension && directives.length === 0 && operationTypes.length === 0) this.unexpected();
    return {
      Position: position,
      Description: description,
      Directives: directives,
      OperationTypes: operationTypes,
    };
  }

  implementsInterfaces(): string[] {
    const types: string[] = [];
    if (this.peek().value === "implements") {
      this.next();
      this.skip("&");
      types.push(this.name());
      while (this.skip("&")) types.push(this.name());
    }
    return types;
  }

  fieldDefinition(input: boolean): Obj {
    const position = this.pos();
    const description = this.description();
    const name = this.name();
    const args = input ? [] : this.argumentDefinitions();
    this.expect(":");
    const type = this.typeReference();
    const defaultValue = input && this.skip("=") ? this.value(true) : null;
    return {
      Position: position,
      Description: description,
      Name: name,
      Arguments: args,
      DefaultValue: defaultValue,
      Type: type,
      Directives: this.directives(true),
    };
  }

  argumentDefinitions(): Obj[] {
    return this.some("(", ")", () => {
      // Positions (dropped from OPA's output) locate schema errors, as gqlparser's parseArgumentDef.
      const position = this.pos();
      const description = this.description();
      const name = this.name();
      this.expect(":");
      const type = this.typeReference();
      const defaultValue = this.skip("=") ? this.value(true) : null;
      return {
        Position: position,
        Description: description,
        Name: name,
        DefaultValue: defaultValue,
        Type: type,
        Directives: this.directives(true),
      };
    });
  }

  typeDefinition(description: string, extension: boolean): Obj {
    const keyword = this.peek().value;
    this.expectKeyword(keyword);
    const position = this.pos();
    const kinds: Record<string, string> = {
      scalar: "SCALAR",
      type: "OBJECT",
      interface: "INTERFACE",
      union: "UNION",
      enum: "ENUM",
      input: "INPUT_OBJECT",
    };
    const def: Obj & {
      Interfaces: string[];
      Directives: Obj[];
      Fields: Obj[];
      Types: string[];
      EnumValues: Obj[];
    } = {
      Position: position,
      Kind: kinds[keyword]!,
      Description: description,
      Name: this.name(),
      Directives: [],
      Interfaces: [],
      Fields: [],
      Types: [],
      EnumValues: [],
      BuiltIn: false,
    };
    switch (keyword) {
      case "scalar":
        def.Directives = this.directives(true);
        if (extension && def.Directives.length === 0) this.unexpected();
        break;
      case "type":
      case "interface":
        if (keyword === "type" || !extension) def.Interfaces = this.implementsInterfaces();
        def.Directives = this.directives(true);
        def.Fields = this.some("{", "}", () => this.fieldDefinition(false));
        if (
          extension &&
          def.Interfaces.length === 0 &&
          def.Directives.length === 0 &&
          def.Fields.length === 0
        )
          this.unexpected();
        break;
      case "union":
        def.Directives = this.directives(true);
        if (this.skip("=")) {
          this.skip("|");
          def.Types.push(this.name());
          while (this.skip("|")) def.Types.push(this.name());
        }
        if (extension && def.Directives.length === 0 && def.Types.length === 0) this.unexpected();
        break;
      case "enum":
        def.Directives = this.directives(true);
        def.EnumValues = this.some("{", "}", () => ({
          Description: this.description(),
          Name: this.name(),
          Directives: this.directives(true),
        }));
        if (extension && def.Directives.length === 0 && def.EnumValues.length === 0) this.unexpected();
        break;
      case "input":
        def.Directives = this.directives(!extension);
        def.Fields = this.some("{", "}", () => this.fieldDefinition(true));
        if (extension && def.Directives.length === 0 && def.Fields.length === 0) this.unexpected();
        break;
    }
    return def;
  }

  directiveDefinition(description: string): Obj {
    this.expectKeyword("directive");
    this.expect("@");
    const position = this.pos();
    const name = this.name();
    const args = this.argumentDefinitions();
    let repeatable = false;
    if (this.peek().kind === "Name" && this.peek().value === "repeatable") {
      repeatable = true;
      this.next();
    }
    this.expectKeyword("on");
    this.skip("|");
    const locations = [this.directiveLocation()];
    while (this.skip("|")) locations.push(this.directiveLocation());
    return {
      Position: position,
      Description: description,
      Name: name,
      Arguments: args,
      Locations: locations,
      IsRepeatable: repeatable,
    };
  }

  directiveLocation(): string {
    const tok = this.expect("Name");
    if (DIRECTIVE_LOCATIONS.has(tok.value)) return tok.value;
    this.unexpected(tok);
  }
}

export const DIRECTIVE_LOCATIONS = new Set([
  "QUERY",
  "MUTATION",
  "SUBSCRIPTION",
  "FIELD",
  "FRAGMENT_DEFINITION",
  "FRAGMENT_SPREAD",
  "INLINE_FRAGMENT",
  "VARIABLE_DEFINITION",
  "SCHEMA",
  "SCALAR",
  "OBJECT",
  "FIELD_DEFINITION",
  "ARGUMENT_DEFINITION",
  "INTERFACE",
  "UNION",
  "ENUM",
  "ENUM_VALUE",
  "INPUT_OBJECT",
  "INPUT_FIELD_DEFINITION",
]);

export function parseQueryDocument(src: string): Obj {
  return new Parser(src).queryDocument();
}

export function parseSchemaDocument(src: string): Obj {
  return new Parser(src).schemaDocument();
}

/** OPA's pruneIrrelevantGraphQLASTNodes: drop nulls, empty arrays/objects (after pruning) and Position. */
export function prune(v: Json): Json {
  if (Array.isArray(v)) {
    const out: Json[] = [];
    for (const x of v) {
      if (x === null) continue;
      const p = prune(x);
      if (
        typeof p === "object" &&
        p !== null &&
        (Array.isArray(p) ? p.length === 0 : Object.keys(p).length === 0)
      )
        continue;
      out.push(p);
    }
    return out;
  }
  if (v !== null && typeof v === "object") {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "Position" || x === null) continue;
      const p = prune(x);
      if (
        typeof p === "object" &&
        p !== null &&
        (Array.isArray(p) ? p.length === 0 : Object.keys(p).length === 0)
      )
        continue;
      out[k] = p;
    }
    return out;
  }
  return v;
}
