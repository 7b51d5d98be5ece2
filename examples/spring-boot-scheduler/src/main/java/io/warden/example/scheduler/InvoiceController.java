package io.warden.example.scheduler;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /invoices/{id}/pay}: waits for the invoice's lock, pays, answers with the payment. */
@RestController
public class InvoiceController {
    private final InvoiceService invoices;

    public InvoiceController(InvoiceService invoices) {
        this.invoices = invoices;
    }

    @PostMapping("/invoices/{id}/pay")
    public InvoiceService.Payment pay(@PathVariable long id) throws InterruptedException {
        return invoices.pay(id);
    }
}
