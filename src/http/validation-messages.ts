// Schema violations in the cashier's language: the path of the field as the till sent it
// («lines/0/qty»), then what is wrong with it in Russian («должно быть > 0»). One message per problem.
import type { FastifySchemaValidationError } from 'fastify';
import { AppError } from '../errors/catalogue.js';

const TYPE_NAMES: Record<string, string> = {
  integer: 'целым числом',
  number: 'числом',
  string: 'строкой',
  boolean: 'true или false',
  object: 'объектом',
  array: 'списком',
  null: 'null',
};

type Params = Record<string, unknown>;

/** What is wrong, in Russian, from the JSON Schema keyword that failed and its parameters. */
function problemOf(keyword: string, p: Params, english: string | undefined): string {
  switch (keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `должно быть ${String(p.comparison)} ${String(p.limit)}`;
    case 'type':
      return `должно быть ${String(p.type)
        .split(',')
        .map((t) => TYPE_NAMES[t] ?? t)
        .join(' или ')}`;
    case 'minItems':
      return `должно содержать не меньше ${String(p.limit)} элем.`;
    case 'maxItems':
      return `должно содержать не больше ${String(p.limit)} элем.`;
    case 'minLength':
      return `должно быть не короче ${String(p.limit)} символ.`;
    case 'maxLength':
      return `должно быть не длиннее ${String(p.limit)} символ.`;
    case 'minProperties':
      return `должно содержать не меньше ${String(p.limit)} полей`;
    case 'maxProperties':
      return `должно содержать не больше ${String(p.limit)} полей`;
    case 'pattern':
      return 'имеет неверный формат';
    case 'format':
      return `должно быть в формате ${String(p.format)}`;
    case 'enum':
      return `должно быть одним из: ${((p.allowedValues as unknown[]) ?? []).map(String).join(', ')}`;
    case 'const':
      return `должно быть равно ${String(p.allowedValue)}`;
    case 'multipleOf':
      return `должно быть кратно ${String(p.multipleOf)}`;
    case 'uniqueItems':
      return 'не должно содержать повторов';
    case 'anyOf':
    case 'oneOf':
      return 'не подходит ни под один допустимый вариант';
    default:
      // A keyword not listed above: still Russian, with the validator's own words for the log reader.
      return `неверное значение${english ? ` (${english})` : ''}`;
  }
}

/** «lines/0/qty: должно быть > 0» — the field as the till sent it, then what is wrong. */
export function formatValidation(errors: FastifySchemaValidationError[], dataVar: string): AppError {
  const problems = errors.map((e) => {
    const path = e.instancePath ? e.instancePath.slice(1) : dataVar;
    const params = e.params as Params;
    const inside = path === dataVar ? '' : `${path}/`;
    if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return `${inside}${params.additionalProperty}: лишнее поле`;
    }
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      return `${inside}${params.missingProperty}: обязательное поле`;
    }
    return `${path}: ${problemOf(e.keyword, params, e.message)}`;
  });
  const unique = [...new Set(problems)];
  return new AppError('BAD_REQUEST', unique.join('; '), unique);
}
