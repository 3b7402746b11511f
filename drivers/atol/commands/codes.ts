// Command bytes of the ATOL v3 application layer used by this driver.

export const Command = {
  Status: 0x3f,
  DeviceInfo: 0xa5,
  EnterMode: 0x56,
  LeaveMode: 0x48,
  OpenShift: 0x9a,
  ZReport: 0x5a,
  OpenReceipt: 0x92,
  BeginPosition: 0xea,
  RegisterPosition: 0xeb,
  Payment: 0x99,
  CloseReceipt: 0x4a,
  CancelReceipt: 0x59,
  ReadRegister: 0x91,
  FnData: 0xa4,
  /** Print a line of text; chosen for non-fiscal lines (check against the model's manual). */
  PrintText: 0x4c,
} as const;

export const RegisterMode = {
  Select: 0,
  Registration: 1,
  XReport: 2,
  ZReport: 3,
  Programming: 4,
} as const;
