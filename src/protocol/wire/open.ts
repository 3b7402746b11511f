// An open object schema: extra fields pass validation and survive the till API's serializer
// (fast-json-stringify drops what a closed schema does not name).
import { type TProperties, Type } from '@sinclair/typebox';

export const Open = <T extends TProperties>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: true, ...(description && { description }) });
