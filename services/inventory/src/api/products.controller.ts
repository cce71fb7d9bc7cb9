import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiProblems,
  INBOUND_PIPELINE_PROBLEMS,
  openApiResponseSchema,
  RATE_LIMITED_PROBLEMS,
  VALIDATION_PROBLEMS,
  ZodValidationPipe,
} from '@rc/platform';
import { Criticality } from '@rc/resilience/nest';
import { GetProduct } from '../application/get-product.query';
import { ListProducts } from '../application/list-products.query';
import {
  inventoryProblems,
  productListResponseSchema,
  productResponseSchema,
  productView,
  skuParamSchema,
} from './inventory.dto';

/** The catalogue with live availability. */
@ApiTags('products')
@Controller('v1/products')
export class ProductsController {
  constructor(
    @Inject(ListProducts) private readonly listProducts: ListProducts,
    @Inject(GetProduct) private readonly getProduct: GetProduct,
  ) {}

  /** Browsing: shed before the checkout path when the service is overloaded. */
  @Get()
  @Criticality('DEGRADED')
  @ApiOperation({ summary: 'All products with their available units' })
  @ApiOkResponse({ schema: openApiResponseSchema(productListResponseSchema) })
  @ApiProblems(INBOUND_PIPELINE_PROBLEMS, RATE_LIMITED_PROBLEMS)
  async list() {
    return { items: (await this.listProducts.execute()).map(productView) };
  }

  /** Checkout prices every order line here, so this read is on the critical path. */
  @Get(':sku')
  @Criticality('CRITICAL')
  @ApiOperation({ summary: 'One product; 404 INVENTORY.UNKNOWN_SKU' })
  @ApiOkResponse({ schema: openApiResponseSchema(productResponseSchema) })
  @ApiProblems(
    VALIDATION_PROBLEMS,
    INBOUND_PIPELINE_PROBLEMS,
    RATE_LIMITED_PROBLEMS,
    inventoryProblems.unknownSku,
  )
  async get(@Param('sku', new ZodValidationPipe(skuParamSchema)) sku: string) {
    return productView(await this.getProduct.execute(sku));
  }
}
