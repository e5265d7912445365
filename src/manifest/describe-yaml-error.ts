import type { YAMLError } from 'yaml';

/** What each of yaml's error codes means to someone editing a manifest, and what to do. */
const PLAIN: Partial<Record<YAMLError['code'], string>> = {
  UNEXPECTED_TOKEN:
    'unexpected text after a value; check the indentation, or quote a value that contains ": " or " #"',
  BAD_INDENT: 'the indentation does not match the lines around it; align it with its siblings',
  TAB_AS_INDENT: 'a tab is used for indentation; YAML needs spaces',
  BAD_SCALAR_START: 'a value starts with a character YAML reserves (such as @ or `); quote the value',
  BLOCK_AS_IMPLICIT_KEY:
    'a key is followed by more than one line of text; add the missing ":" or indent the value',
  MULTILINE_IMPLICIT_KEY: 'a key spans more than one line; add the missing ":" or join the lines',
  BAD_DQ_ESCAPE:
    'an invalid escape in a double-quoted value; use single quotes or escape the backslash (\\\\)',
  BLOCK_IN_FLOW: 'a block value inside [...] or {...}; write the list or map in one style',
  MULTIPLE_ANCHORS: 'a value has two anchors (&); keep one',
  MULTIPLE_TAGS: 'a value has two tags (!); keep one',
  BAD_ALIAS: 'an alias (*) that is not valid; check its name',
  KEY_OVER_1024_CHARS: 'a key is longer than 1024 characters; shorten it or use a block value',
};

/**
 * A value (after `key:` or `- `) that opens a flow collection, not a `{{` template: a placeholder such as
 * `image: {IMAGE_REGISTRY}/spark:4.0.1` (kubeflow/spark-operator's examples) is a map followed by text.
 */
const STARTS_FLOW = /^\s*(?:-\s+|[^\s#][^#]*?:\s+)(?:-\s+)?[{[](?!\{)/;
const FLOW_VALUE =
  'a value that starts with { or [ is read as a map or list, and text follows where it closes; quote the whole value';

/**
 * A YAML syntax error in words a manifest author can act on: what is wrong on which line and what to do,
 * instead of the parser's own jargon (kept after it, in parentheses, for searching).
 */
export function describeYamlError(err: YAMLError, line: number, lineText = ''): string {
  const first = err.message.split('\n')[0] ?? err.message;
  const jargon = first.replace(/ at line \d+, column \d+:?$/, '');
  const plain = /^Missing closing/.test(first)
    ? 'a quote or bracket is not closed; close it where the value ends'
    : err.code === 'UNEXPECTED_TOKEN' && STARTS_FLOW.test(lineText)
      ? FLOW_VALUE
      : PLAIN[err.code];
  return plain
    ? `line ${line} is not valid YAML: ${plain} (${jargon})`
    : `line ${line} is not valid YAML: ${jargon}; fix the syntax there`;
}
