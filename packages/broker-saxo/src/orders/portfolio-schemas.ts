import { z } from 'zod';

const OptionsDataSchema = z.looseObject({
  PutCall: z.enum(['Put', 'Call']).optional(),
  Strike: z.number().optional(),
  ExpiryDate: z.string().optional(),
});

const DisplaySchema = z.looseObject({ Symbol: z.string().optional(), Description: z.string().optional() });

export const PositionRowSchema = z.looseObject({
  PositionId: z.string().optional(),
  PositionBase: z.looseObject({
    Uic: z.number().int(),
    AssetType: z.string(),
    Amount: z.number(),
    OpenPrice: z.number().optional(),
    ExternalReference: z.string().optional(),
    SourceOrderId: z.string().optional(),
    ExpiryDate: z.string().optional(),
    OptionsData: OptionsDataSchema.optional(),
  }),
  DisplayAndFormat: DisplaySchema.optional(),
});
export type PositionRow = z.infer<typeof PositionRowSchema>;

export const PositionsResponseSchema = z.looseObject({ Data: z.array(PositionRowSchema) });

export const OrderRowSchema = z.looseObject({
  OrderId: z.string(),
  Uic: z.number().int(),
  AssetType: z.string(),
  BuySell: z.enum(['Buy', 'Sell']),
  Amount: z.number(),
  Price: z.number().optional(),
  Status: z.string().optional(),
  ExternalReference: z.string().optional(),
  ToOpenClose: z.string().optional(),
  FilledAmount: z.number().optional(),
  OptionsData: OptionsDataSchema.optional(),
  DisplayAndFormat: DisplaySchema.optional(),
  MultiLegOrderDetails: z
    .looseObject({
      MultiLegOrderId: z.string().optional(),
      Price: z.number().optional(),
      Amount: z.number().optional(),
    })
    .optional(),
});
export type OrderRow = z.infer<typeof OrderRowSchema>;

export const OrdersResponseSchema = z.looseObject({ Data: z.array(OrderRowSchema) });

export const ActivityRowSchema = z.looseObject({
  OrderId: z.string().optional(),
  ExternalReference: z.string().optional(),
  Status: z.string().optional(),
  ActivityTime: z.string().optional(),
  AveragePrice: z.number().optional(),
  ExecutionPrice: z.number().optional(),
  FilledAmount: z.number().optional(),
  MultiLegOrderId: z.string().optional(),
  ErrorInfo: z.looseObject({ ErrorCode: z.string().optional() }).optional(),
});
export type ActivityRow = z.infer<typeof ActivityRowSchema>;

export const ActivitiesResponseSchema = z.looseObject({ Data: z.array(ActivityRowSchema) });

export const ClientInfoSchema = z.looseObject({
  ClientKey: z.string().min(1),
  DefaultAccountKey: z.string().min(1).optional(),
});

export const AccountsResponseSchema = z.looseObject({
  Data: z.array(z.looseObject({ AccountKey: z.string().min(1), Active: z.boolean().optional() })),
});

export const OrderResponseSchema = z.looseObject({
  OrderId: z.string().optional(),
  MultiLegOrderId: z.string().optional(),
  ExternalReference: z.string().optional(),
  ErrorInfo: z.looseObject({ ErrorCode: z.string().optional(), Message: z.string().optional() }).optional(),
  Orders: z.array(z.looseObject({ OrderId: z.string().optional() })).optional(),
});

export const PrecheckResponseSchema = z.looseObject({
  PreCheckResult: z.string().optional(),
  ErrorInfo: z.looseObject({ ErrorCode: z.string().optional(), Message: z.string().optional() }).optional(),
  EstimatedCashRequired: z.number().optional(),
  EstimatedCashRequiredCurrency: z.string().optional(),
  Cost: z.record(z.string(), z.unknown()).optional(),
  CostInAccountCurrency: z.record(z.string(), z.unknown()).optional(),
  MarginImpactBuySell: z.record(z.string(), z.unknown()).optional(),
  PreTradeDisclaimers: z
    .looseObject({
      DisclaimerTokens: z.array(z.string()).optional(),
      DisclaimerContext: z.string().optional(),
    })
    .optional(),
});
export type PrecheckResponse = z.infer<typeof PrecheckResponseSchema>;
