import { z } from 'zod';

export const InstrumentSummarySchema = z.looseObject({
  AssetType: z.string(),
  Identifier: z.number().int(),
  SummaryType: z.string().optional(),
  Symbol: z.string().optional(),
  Description: z.string().optional(),
  CanParticipateInMultiLegOrder: z.boolean().optional(),
  CurrencyCode: z.string().optional(),
  ExchangeId: z.string().optional(),
});
export type InstrumentSummary = z.infer<typeof InstrumentSummarySchema>;

export const InstrumentSearchResponseSchema = z.looseObject({ Data: z.array(InstrumentSummarySchema) });

export const ContractOptionSchema = z.looseObject({
  PutCall: z.enum(['Put', 'Call']),
  StrikePrice: z.number(),
  Uic: z.number().int(),
  TradingStatus: z.string().optional(),
  UnderlyingUic: z.number().optional(),
});
export type ContractOption = z.infer<typeof ContractOptionSchema>;

export const ContractOptionEntrySchema = z.looseObject({
  Expiry: z.string(),
  DisplayExpiry: z.string().optional(),
  LastTradeDate: z.string().optional(),
  SpecificOptions: z.array(ContractOptionSchema).optional(),
  TickSizeScheme: z.unknown().optional(),
});

export const ContractOptionSpaceSchema = z.looseObject({
  AssetType: z.string(),
  OptionRootId: z.number().int().optional(),
  CanParticipateInMultiLegOrder: z.boolean().optional(),
  IsTradable: z.boolean().optional(),
  ContractSize: z.number().optional(),
  OptionSpace: z.array(ContractOptionEntrySchema),
});
export type ContractOptionSpace = z.infer<typeof ContractOptionSpaceSchema>;
