// Public entry of the register drivers.

export { AtolRegister, type AtolRegisterOptions } from '../atol/driver.js';
export { describeDeviceError, deviceErrorText } from '../atol/errors.js';
export { createRegister, type RegisterConfig } from './create-register.js';
export * from './types.js';
